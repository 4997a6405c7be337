using RealtimeSync.Bench.SideBySide.Load;

namespace RealtimeSync.Bench.SideBySide.Systems;

/// <summary>
/// How one peer system is run: <paramref name="Start"/> starts one instance on a port, given the backplane's Redis port;
/// its clients connect to <paramref name="SocketPath"/> (path and query) and speak <paramref name="Dialect"/>.
/// </summary>
internal sealed record PeerProgram(string Name, string Title, Dialect Dialect, string SocketPath, Func<int, int, ChildProcess> Start)
{
    /// <summary>Run before the first instance starts (Socket.IO's npm ci).</summary>
    public Func<CancellationToken, Task> PrepareAsync { get; init; } = _ => Task.CompletedTask;
}
