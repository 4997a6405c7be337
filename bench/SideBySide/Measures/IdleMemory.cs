using System.Diagnostics;
using RealtimeSync.Bench.SideBySide.Load;
using RealtimeSync.Bench.SideBySide.Processes;
using RealtimeSync.Bench.SideBySide.Systems;

namespace RealtimeSync.Bench.SideBySide.Measures;

/// <summary>
/// Memory per idle connection: the resident memory of every process that holds or relays connections, once it is still,
/// before and after connecting the idle subscribers (which receive only keep-alives and heartbeats).
/// </summary>
internal static class IdleMemory
{
    private static readonly TimeSpan Sample = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(60);
    private const int StillSamples = 5;

    public static async Task<MemoryResult> MeasureAsync(ISystemUnderTest system, int connections, int holdSeconds, TextWriter log, CancellationToken cancellationToken)
    {
        var processes = system.Processes().Where(process => process.Role == PathRole.Connections).ToList();
        var (before, settledBefore) = await SettledAsync(processes, cancellationToken);
        log.WriteLine($"  {system.Title}: connecting {connections} idle connections...");
        await using var idle = await SubscriberSet.ConnectAsync(system, "idle", connections, cancellationToken);
        var (after, settledAfter) = await SettledAsync(processes, cancellationToken);
        if (holdSeconds > 0)
        {
            log.WriteLine($"  {system.Title}: holding them {holdSeconds} s; pids {string.Join(", ", processes.Select(process => $"{process.Name} {process.Pid}"))}");
            await Task.Delay(TimeSpan.FromSeconds(holdSeconds), cancellationToken);
        }

        var measured = processes.Select((process, i) => new ProcessMemory(process, before[i], after[i], ProcFs.OpenDescriptors(process.Pid))).ToList();
        return new MemoryResult(connections, idle.Open, idle.Spread, settledBefore && settledAfter, measured);
    }

    /// <summary>
    /// Each process's resident KiB once their sum moved under 0.5 % (or 1 MiB) over <see cref="StillSamples"/> seconds;
    /// after <see cref="SettleLimit"/>, the last sample (and false).
    /// </summary>
    private static async Task<(long[] KiB, bool Settled)> SettledAsync(IReadOnlyList<ServerProcess> processes, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var samples = new List<long[]>();
        using var timer = new PeriodicTimer(Sample);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            samples.Add([.. processes.Select(process => ProcFs.ResidentKiB(process.Pid))]);
            var sums = samples.TakeLast(StillSamples).Select(sample => sample.Sum()).ToList();
            var still = sums.Count == StillSamples && sums.Max() - sums.Min() <= Math.Max(1024, sums.Average() * 0.005);
            if (still || Stopwatch.GetElapsedTime(started) > SettleLimit)
            {
                return (samples[^1], still);
            }
        }

        throw new OperationCanceledException(cancellationToken);
    }
}
