using RealtimeSync.Bench.SideBySide.Processes;

namespace RealtimeSync.Bench.SideBySide.Measures;

/// <summary>One process's resident memory before and after the idle connections, and the descriptors it then held.</summary>
internal sealed record ProcessMemory(ServerProcess Process, long BeforeKiB, long AfterKiB, int Descriptors);
