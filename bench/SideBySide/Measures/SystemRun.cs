using RealtimeSync.Bench.SideBySide.Load;
using RealtimeSync.Bench.SideBySide.Systems;

namespace RealtimeSync.Bench.SideBySide.Measures;

/// <summary>
/// Measures one system from start to stop: a warm-up on a few subscribers, memory per idle connection, then the rounds
/// (burst, then paced) on the full set of subscribers, then the change-rate round on a set of its own. A phase that
/// fails is noted and the next one still runs.
/// </summary>
internal sealed class SystemRun(ISystemUnderTest system, BenchOptions options, TextWriter log)
{
    private const int WarmUpSubscribers = 50;
    private const int OneInstanceMessages = 5;
    private long _nextSequence;

    public async Task<SystemResult> RunAsync(CancellationToken cancellationToken)
    {
        var result = new SystemResult(system.Name, system.Title);
        try
        {
            log.WriteLine($"{system.Title}: starting...");
            await system.StartAsync(cancellationToken);
            result.CountingNote = system.CountingNote;

            // JIT, pools, the backplane's subscriptions: before memory is measured, on a few subscribers, so the idle
            // connections do not reuse what a thousand closed ones left behind.
            await PhaseAsync(result, "warm-up", async () =>
            {
                await using var few = await SubscriberSet.ConnectAsync(system, "warm", Math.Min(WarmUpSubscribers, options.Subscribers), cancellationToken);
                Logged("warm-up", await RoundAsync(few, options.WarmUp, options.Publishers, TimeSpan.Zero, cancellationToken));
            }, cancellationToken);
            await PhaseAsync(result, "memory", async () => result.Memory = await IdleMemory.MeasureAsync(system, options.Idle, options.HoldIdle, log, cancellationToken), cancellationToken);
            await PhaseAsync(result, "rounds", async () =>
            {
                log.WriteLine($"  {system.Title}: connecting {options.Subscribers} subscribers...");
                await using var subscribers = await SubscriberSet.ConnectAsync(system, "sub", options.Subscribers, cancellationToken);
                result.Spread = subscribers.Spread;
                Logged("warm-up", await RoundAsync(subscribers, options.WarmUp, options.Publishers, TimeSpan.Zero, cancellationToken)); // every subscription live
                for (var round = 1; round <= options.Rounds; round++)
                {
                    result.Bursts.Add(Logged($"burst {round}", await RoundAsync(subscribers, options.Burst, options.Publishers, TimeSpan.Zero, cancellationToken)));
                    result.Paced.Add(Logged($"paced {round}", await RoundAsync(subscribers, options.Paced, 1, TimeSpan.FromMilliseconds(options.PaceMilliseconds), cancellationToken)));
                }
            }, cancellationToken);
            if (options.Rate > 0)
            {
                await PhaseAsync(result, "rate", async () =>
                {
                    // Its own few subscribers (issue 12's 20), not the thousand of the rounds: the measure is the change
                    // rate the whole path sustains, not fan-out.
                    log.WriteLine($"  {system.Title}: connecting {options.RateSubscribers} subscribers for the change-rate round...");
                    await using var subscribers = await SubscriberSet.ConnectAsync(system, "rate", options.RateSubscribers, cancellationToken);
                    result.RateSpread = subscribers.Spread;
                    Logged("warm-up", await RoundAsync(subscribers, options.WarmUp, options.Publishers, TimeSpan.Zero, cancellationToken)); // every subscription live
                    log.WriteLine($"  {system.Title}: offering {options.Rate} changes/s for {options.RateSeconds} s in requests of at most {options.RateBatch}...");
                    var first = _nextSequence;
                    _nextSequence += options.RateChanges;
                    result.Rate = Logged(await RateRound.RunAsync(system, subscribers, first, options, cancellationToken));
                }, cancellationToken);
            }

            if (options.OneInstance > 0)
            {
                await PhaseAsync(result, "one instance", async () =>
                {
                    // Straight to one instance, as the issue measures it: through RealtimeSync's gateway each connection also takes one of its descriptors.
                    log.WriteLine($"  {system.Title}: connecting {options.OneInstance} idle connections to its first instance...");
                    await using var crowd = await SubscriberSet.ConnectAsync(system, "one", options.OneInstance, cancellationToken, firstInstance: true);
                    result.OneInstanceOpen = crowd.Open;
                    result.OneInstance = Logged("one instance", await RoundAsync(crowd, OneInstanceMessages, 1, TimeSpan.FromSeconds(1), cancellationToken));
                }, cancellationToken);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            result.Failure = Describe(ex);
            log.WriteLine($"{system.Title}: FAILED: {ex}");
        }
        finally
        {
            log.WriteLine($"{system.Title}: stopping...");
            await system.DisposeAsync();
        }

        return result;
    }

    private static string Describe(Exception ex) => $"{ex.GetType().Name}: {ex.Message}".ReplaceLineEndings(" ");

    private async Task PhaseAsync(SystemResult result, string phase, Func<Task> run, CancellationToken cancellationToken)
    {
        try
        {
            await run();
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            result.PhaseFailures[phase] = Describe(ex);
            log.WriteLine($"  {system.Title}: {phase} FAILED: {ex}");
        }
    }

    private Task<RoundResult> RoundAsync(SubscriberSet subscribers, int count, int publishers, TimeSpan pace, CancellationToken cancellationToken)
    {
        var first = _nextSequence;
        _nextSequence += count; // every message of the run has its own number: a late one is never taken for this round's
        return Round.RunAsync(system, subscribers, first, count, publishers, pace, cancellationToken);
    }

    private RateResult Logged(RateResult rate)
    {
        log.WriteLine(
            $"  {system.Title} change rate: {rate.Offered} offered, {rate.Sent} sent, {rate.Accepted} accepted in {rate.Publishing.TotalSeconds:0.00} s = {rate.AcceptedPerSecond:0} /s "
            + $"({rate.FailedRequests} of {rate.Requests} requests failed{(rate.FirstRefusal is { } refusal ? ": " + refusal : string.Empty)}); "
            + $"{rate.Delivered}/{rate.Expected} delivered ({rate.Receipts.Duplicates} duplicated, {rate.Receipts.OutOfOrder} out of order, {rate.Receipts.Stray} stray), "
            + $"{rate.DeliveredToAll} to every subscriber in {rate.Elapsed.TotalSeconds:0.00} s = {rate.SustainedPerSecond:0} /s; "
            + $"p50 {rate.Receipts.LatencyP50:0.0} ms, p99 {rate.Receipts.LatencyP99:0.0} ms; drain {rate.Drain.TotalMilliseconds:0} ms{(rate.DrainTimedOut ? " (timed out)" : string.Empty)}");
        return rate;
    }

    private RoundResult Logged(string name, RoundResult round)
    {
        log.WriteLine(
            $"  {system.Title} {name}: {round.Delivered}/{round.Expected} delivered ({round.Receipts.Duplicates} duplicated, {round.Receipts.OutOfOrder} out of order, {round.Receipts.Stray} stray) "
            + $"in {round.Elapsed.TotalSeconds:0.00} s = {round.DeliveriesPerSecond:0} /s; p50 {round.Receipts.LatencyP50:0.0} ms, p99 {round.Receipts.LatencyP99:0.0} ms; "
            + $"CPU {round.FanOutMicrosPerDelivery:0.0} µs/delivery (fan-out), {round.SystemMicrosPerDelivery:0.0} (system)");
        return round;
    }
}
