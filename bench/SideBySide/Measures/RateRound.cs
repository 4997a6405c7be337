using System.Diagnostics;
using RealtimeSync.Bench.SideBySide.Load;
using RealtimeSync.Bench.SideBySide.Systems;

namespace RealtimeSync.Bench.SideBySide.Measures;

/// <summary>
/// The change-rate round (issue 12: at least 5,000 changes/s sustained from writes to delivery with 20 subscribers, in
/// order, each once). Every <see cref="Slice"/> the publisher sends the changes due so far, in requests of at most
/// <see cref="BenchOptions.RateBatch"/>, with at most <see cref="InFlight"/> requests unanswered, the same for every system;
/// then it waits, at most <see cref="DrainLimit"/> after the last answer, for every subscriber to have every accepted
/// change. A system that takes changes slower than offered holds the publisher back (the in-flight bound) rather than
/// piling up requests; whatever is still unsent <see cref="PublishGrace"/> after the schedule ended is left unsent, so the
/// round always ends, and says what came, what did not, and how late.
/// </summary>
internal static class RateRound
{
    public const int InFlight = 8;
    public const int SliceMilliseconds = 20;
    public const int DrainLimitSeconds = 30;
    private static readonly TimeSpan Slice = TimeSpan.FromMilliseconds(SliceMilliseconds);
    private static readonly TimeSpan PublishGrace = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(DrainLimitSeconds);

    public static async Task<RateResult> RunAsync(ISystemUnderTest system, SubscriberSet subscribers, long first, BenchOptions options, CancellationToken cancellationToken)
    {
        var offered = (int)options.RateChanges;
        var requestOf = new int[offered];
        var tallies = subscribers.Count(first, offered, requestOf);
        PublishedBatch[] batches;
        var cpuMeter = CpuMeter.Start(system);
        var start = Stopwatch.GetTimestamp();
        bool timedOut;
        try
        {
            batches = await PublishAsync(system.Publisher, first, offered, requestOf, start, options, cancellationToken);
            timedOut = !await UntilDeliveredAsync(tallies, Accepted(batches, offered), LastAnswer(batches), cancellationToken);
        }
        finally
        {
            subscribers.StopCounting();
        }

        var (cpu, ownCpu) = cpuMeter.Read();
        var accepted = Accepted(batches, offered);
        var seen = tallies.Select(tally => tally.Seen()).ToList();
        var (delivered, deliveredToAll) = (0L, 0);
        for (var i = 0; i < offered; i++)
        {
            var everywhere = true;
            foreach (var one in seen)
            {
                delivered += one[i] && accepted[i] ? 1 : 0;
                everywhere &= one[i];
            }

            deliveredToAll += everywhere ? 1 : 0;
        }

        var firstSent = batches.Length == 0 ? start : batches.Min(batch => batch.SentAt);
        var lastAnswer = LastAnswer(batches);
        var lastReceipt = Math.Max(tallies.Max(tally => tally.LastReceivedAt), firstSent + 1);
        return new RateResult
        {
            Subscribers = tallies.Count,
            Rate = options.Rate,
            Seconds = options.RateSeconds,
            Offered = offered,
            Sent = batches.Sum(batch => batch.Count),
            Accepted = accepted.Count(taken => taken),
            Requests = batches.Length,
            FailedRequests = batches.Count(batch => batch.Failure is not null),
            FirstRefusal = batches.Select(batch => batch.Failure ?? batch.Receipt?.Reason).FirstOrDefault(reason => reason is not null),
            Publishing = Stopwatch.GetElapsedTime(firstSent, Math.Max(lastAnswer, firstSent)),
            MaxScheduleLagMs = batches.Length == 0 ? double.NaN
                : batches.Max(batch => Stopwatch.GetElapsedTime(start, batch.SentAt).TotalMilliseconds - (batch.From * 1000.0 / options.Rate)),
            Delivered = delivered,
            DeliveredToAll = deliveredToAll,
            Receipts = Receipts.Of(tallies),
            Elapsed = Stopwatch.GetElapsedTime(firstSent, lastReceipt),
            Drain = lastReceipt > lastAnswer ? Stopwatch.GetElapsedTime(lastAnswer, lastReceipt) : TimeSpan.Zero,
            DrainTimedOut = timedOut,
            Cpu = cpu,
            LoadGeneratorCpu = ownCpu,
        };
    }

    /// <summary>
    /// The paced publisher: on each tick, what is due by then (rate x elapsed) goes out in requests of at most the batch
    /// size, each once a slot of <see cref="InFlight"/> is free. <paramref name="requestOf"/> gets each change's request
    /// before that request is sent, so the subscribers can check the order within it.
    /// </summary>
    private static async Task<PublishedBatch[]> PublishAsync(
        IPublisher publisher, long first, int offered, int[] requestOf, long start, BenchOptions options, CancellationToken cancellationToken)
    {
        var deadline = TimeSpan.FromSeconds(options.RateSeconds) + PublishGrace;
        var sends = new List<Task<PublishedBatch>>();
        using var inFlight = new SemaphoreSlim(InFlight, InFlight);
        using var timer = new PeriodicTimer(Slice);
        var sent = 0;
        while (sent < offered && Stopwatch.GetElapsedTime(start) < deadline && await timer.WaitForNextTickAsync(cancellationToken))
        {
            var due = (int)Math.Min(offered, (long)(Stopwatch.GetElapsedTime(start).TotalSeconds * options.Rate));
            while (sent < due)
            {
                var left = deadline - Stopwatch.GetElapsedTime(start);
                if (left <= TimeSpan.Zero || !await inFlight.WaitAsync(left, cancellationToken))
                {
                    break; // past the deadline: the rest stays unsent
                }

                var count = Math.Min(options.RateBatch, due - sent);
                Array.Fill(requestOf, sends.Count, sent, count);
                sends.Add(SendAsync(publisher, first, sent, count, inFlight, cancellationToken));
                sent += count;
            }
        }

        return await Task.WhenAll(sends); // each bounded by its HTTP client's timeout
    }

    private static async Task<PublishedBatch> SendAsync(IPublisher publisher, long first, int from, int count, SemaphoreSlim inFlight, CancellationToken cancellationToken)
    {
        var sentAt = Stopwatch.GetTimestamp();
        try
        {
            var receipt = await publisher.PublishBatchAsync(first + from, count, cancellationToken);
            return new PublishedBatch(from, count, sentAt, Stopwatch.GetTimestamp(), receipt, null);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // A refused or lost request is a result of the round, not its end: its changes count as refused.
            return new PublishedBatch(from, count, sentAt, Stopwatch.GetTimestamp(), null, $"{ex.GetType().Name}: {ex.Message}".ReplaceLineEndings(" "));
        }
        finally
        {
            inFlight.Release();
        }
    }

    /// <summary>By index in the round, whether the system took the change.</summary>
    private static bool[] Accepted(IEnumerable<PublishedBatch> batches, int offered)
    {
        var accepted = new bool[offered];
        foreach (var batch in batches.Where(batch => batch.Receipt is not null))
        {
            Array.Fill(accepted, true, batch.From, batch.Count);
            foreach (var refused in batch.Receipt!.Refused)
            {
                accepted[batch.From + refused] = false;
            }
        }

        return accepted;
    }

    private static long LastAnswer(IReadOnlyList<PublishedBatch> batches) => batches.Count == 0 ? Stopwatch.GetTimestamp() : batches.Max(batch => batch.AnsweredAt);

    /// <summary>
    /// Until every subscriber has every accepted change (true), or <see cref="DrainLimit"/> after the last answer
    /// (false): what is missing then is reported as missing. The exact check runs once the counts say it may be done.
    /// </summary>
    private static async Task<bool> UntilDeliveredAsync(IReadOnlyList<Tally> tallies, bool[] accepted, long lastAnswer, CancellationToken cancellationToken)
    {
        var expected = (long)accepted.Count(taken => taken) * tallies.Count;
        while (true)
        {
            if (tallies.Sum(tally => (long)tally.Received) >= expected
                && tallies.All(tally => tally.Seen().Select((seen, i) => seen || !accepted[i]).All(done => done)))
            {
                return true;
            }

            if (Stopwatch.GetElapsedTime(lastAnswer) >= DrainLimit)
            {
                return false;
            }

            await Task.Delay(20, cancellationToken); // the counts are plain numbers; the receipts carry their own times
        }
    }
}
