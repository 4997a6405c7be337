using System.Diagnostics;
using RealtimeSync.Bench.SideBySide.Processes;
using RealtimeSync.Bench.SideBySide.Systems;

namespace RealtimeSync.Bench.SideBySide.Measures;

/// <summary>The CPU a system's server processes, and this process, spend from <see cref="Start"/> to <see cref="Read"/>.</summary>
internal sealed class CpuMeter
{
    private readonly IReadOnlyList<ServerProcess> _processes;
    private readonly double[] _before;
    private readonly TimeSpan _ownBefore;

    private CpuMeter(IReadOnlyList<ServerProcess> processes)
    {
        _processes = processes;
        _before = [.. processes.Select(process => ProcFs.CpuSeconds(process.Pid))];
        _ownBefore = Process.GetCurrentProcess().TotalProcessorTime;
    }

    public static CpuMeter Start(ISystemUnderTest system) => new(system.Processes());

    /// <summary>Each server process's CPU seconds so far, and this process's (publisher and subscribers).</summary>
    public (IReadOnlyList<CpuShare> Servers, double LoadGenerator) Read() =>
        ([.. _processes.Select((process, i) => new CpuShare(process, ProcFs.CpuSeconds(process.Pid) - _before[i]))],
            (Process.GetCurrentProcess().TotalProcessorTime - _ownBefore).TotalSeconds);
}
