using System.Diagnostics;
using RealtimeSync.Bench.SideBySide.Load;
using RealtimeSync.Bench.SideBySide.Systems;

namespace RealtimeSync.Bench.SideBySide.Measures;

/// <summary>
/// One round: publishes <c>count</c> messages (from several concurrent publishers as fast as they go, or from one at a
/// pace), waits until every subscriber has every message (or nothing more came for <see cref="StallLimit"/>), and reads
/// what each server process spent in CPU meanwhile.
/// </summary>
internal static class Round
{
    private static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(30);

    public static async Task<RoundResult> RunAsync(
        ISystemUnderTest system, SubscriberSet subscribers, long first, int count, int publishers, TimeSpan pace, CancellationToken cancellationToken)
    {
        var tallies = subscribers.Count(first, count);
        var cpuMeter = CpuMeter.Start(system);
        var writes = new double[count];
        var started = Stopwatch.GetTimestamp();
        try
        {
            if (pace > TimeSpan.Zero)
            {
                // Start to start: a slow publish eats into the pause instead of adding to it.
                using var timer = new PeriodicTimer(pace);
                for (var i = 0; i < count; i++)
                {
                    writes[i] = await TimedPublishAsync(system.Publisher, first + i, cancellationToken);
                    if (i + 1 < count)
                    {
                        await timer.WaitForNextTickAsync(cancellationToken);
                    }
                }
            }
            else
            {
                var parallel = new ParallelOptions { MaxDegreeOfParallelism = publishers, CancellationToken = cancellationToken };
                await Parallel.ForEachAsync(Enumerable.Range(0, count), parallel, async (i, token) => writes[i] = await TimedPublishAsync(system.Publisher, first + i, token));
            }

            await UntilDeliveredAsync(tallies, (long)count * tallies.Count, cancellationToken);
        }
        finally
        {
            subscribers.StopCounting();
        }

        var (cpu, ownCpu) = cpuMeter.Read();
        var delivered = tallies.Sum(tally => (long)tally.Received);
        var lastReceipt = tallies.Max(tally => tally.LastReceivedAt);
        return new RoundResult
        {
            Subscribers = tallies.Count,
            Published = count,
            Delivered = delivered,
            Receipts = Receipts.Of(tallies),
            Complete = tallies.Count(tally => tally.Missing == 0),
            Elapsed = Stopwatch.GetElapsedTime(started, Math.Max(lastReceipt, started + 1)),
            WriteP50 = Percentiles.Of(writes.Order().ToArray(), 0.50),
            BytesPerDelivery = delivered == 0 ? double.NaN : tallies.Sum(tally => tally.FrameBytes) / (double)delivered,
            DeliveriesPerFrame = delivered / (double)Math.Max(1, tallies.Sum(tally => (long)tally.Frames)),
            Cpu = cpu,
            LoadGeneratorCpu = ownCpu,
        };
    }

    private static async Task<double> TimedPublishAsync(IPublisher publisher, long sequence, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        await publisher.PublishAsync(sequence, cancellationToken);
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    /// <summary>Until all came, or nothing more came for <see cref="StallLimit"/>: what is missing then is reported as missing.</summary>
    private static async Task UntilDeliveredAsync(IReadOnlyList<Tally> tallies, long expected, CancellationToken cancellationToken)
    {
        var (received, progressAt) = (0L, Stopwatch.GetTimestamp());
        while (received < expected && Stopwatch.GetElapsedTime(progressAt) < StallLimit)
        {
            await Task.Delay(20, cancellationToken); // the counts are plain numbers; the receipts carry their own times
            var now = tallies.Sum(tally => (long)tally.Received);
            progressAt = now > received ? Stopwatch.GetTimestamp() : progressAt;
            received = now;
        }
    }
}
