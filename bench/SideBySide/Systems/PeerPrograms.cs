using RealtimeSync.Bench.SideBySide.Load;

namespace RealtimeSync.Bench.SideBySide.Systems;

/// <summary>The three peer systems, each two instances of its program over the private Redis.</summary>
internal static class PeerPrograms
{
    public static PeerProgram Bare() => new(
        "bare", "bare Kestrel", new BareDialect(), "/ws",
        (port, redis) => ChildProcess.Start($"bare Kestrel :{port}", "dotnet", [BenchLayout.BuiltPeer("BareKestrel"), "--urls", $"http://127.0.0.1:{port}", "--Redis", $"127.0.0.1:{redis}"]));

    public static PeerProgram SignalR() => new(
        "signalr", "SignalR + Redis", new SignalRDialect(), "/hub",
        (port, redis) => ChildProcess.Start($"SignalR :{port}", "dotnet", [BenchLayout.BuiltPeer("SignalRHub"), "--urls", $"http://127.0.0.1:{port}", "--Redis", $"127.0.0.1:{redis}"]));

    public static PeerProgram SocketIo() => new(
        "socketio", "Socket.IO + Redis", new SocketIoDialect(), "/socket.io/?EIO=4&transport=websocket",
        (port, redis) => ChildProcess.Start($"Socket.IO :{port}", "node", ["server.mjs"],
            new Dictionary<string, string> { ["PORT"] = $"{port}", ["REDIS_URL"] = $"redis://127.0.0.1:{redis}", ["NODE_ENV"] = "production" },
            BenchLayout.SocketIoFolder()))
    {
        PrepareAsync = InstallNodeModulesAsync,
    };

    /// <summary>The locked packages (package-lock.json), once: node_modules is not in the repository. npm writes its own lock last, so a half-done install is done again.</summary>
    private static async Task InstallNodeModulesAsync(CancellationToken cancellationToken)
    {
        var folder = BenchLayout.SocketIoFolder();
        if (File.Exists(Path.Combine(folder, "node_modules", ".package-lock.json")))
        {
            return;
        }

        using var npm = ChildProcess.Start("npm ci", "npm", ["ci", "--prefix", folder, "--no-audit", "--no-fund"]);
        if (await npm.WaitForExitAsync(TimeSpan.FromMinutes(5), cancellationToken) != 0)
        {
            throw new InvalidOperationException($"npm ci failed:{Environment.NewLine}{npm.Output}");
        }
    }
}
