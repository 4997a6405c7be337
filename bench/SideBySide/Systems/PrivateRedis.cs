namespace RealtimeSync.Bench.SideBySide.Systems;

/// <summary>
/// The peers' backplane: Debian's redis-server on a free port, in a temporary folder, with no persistence, started for
/// this run and shared by the three peer systems (each uses its own channels, and only one runs at a time).
/// </summary>
internal sealed class PrivateRedis : IDisposable
{
    private readonly string _folder;
    private readonly ChildProcess _server;

    private PrivateRedis(string folder, ChildProcess server, int port)
    {
        _folder = folder;
        _server = server;
        Port = port;
    }

    public int Port { get; }

    public int Pid => _server.Pid;

    public static async Task<PrivateRedis> StartAsync(CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("sidebyside-redis-").FullName;
        var port = FreePort.Next();
        var program = File.Exists("/usr/bin/redis-server") ? "/usr/bin/redis-server" : "redis-server";
        var server = ChildProcess.Start("redis-server", program,
            ["--port", $"{port}", "--bind", "127.0.0.1", "--dir", folder, "--save", "", "--appendonly", "no", "--protected-mode", "no"]);
        var redis = new PrivateRedis(folder, server, port);
        try
        {
            await Listening.UntilAcceptingAsync(server, port, TimeSpan.FromSeconds(30), cancellationToken);
            return redis;
        }
        catch
        {
            redis.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
