namespace RealtimeSync.Bench.SideBySide.Measures;

/// <summary>Memory per idle connection: the growth of every connection-holding process, over the connections.</summary>
internal sealed record MemoryResult(int Connections, int Open, string Spread, bool Settled, IReadOnlyList<ProcessMemory> Processes)
{
    public double KiBPerConnection => Processes.Sum(process => process.AfterKiB - process.BeforeKiB) / (double)Connections;
}
