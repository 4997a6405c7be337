using RealtimeSync.Bench.SideBySide.Processes;

namespace RealtimeSync.Bench.SideBySide.Measures;

/// <summary>CPU seconds one server process spent during a round.</summary>
internal sealed record CpuShare(ServerProcess Process, double Seconds);
