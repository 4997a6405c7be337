using RealtimeSync.Bench.SideBySide.Load;
using RealtimeSync.Bench.SideBySide.Processes;

namespace RealtimeSync.Bench.SideBySide.Systems;

/// <summary>A peer system: two instances of its program, each its own process on its own port, over the private Redis.</summary>
internal sealed class PeerSystem(PeerProgram program, PrivateRedis redis) : ISystemUnderTest
{
    private const int Instances = 2;
    private readonly List<(ChildProcess Process, int Port)> _instances = [];
    private PeerPublisher? _publisher;

    public string Name => program.Name;

    public string Title => program.Title;

    public Dialect Dialect => program.Dialect;

    public IPublisher Publisher => _publisher ?? throw new InvalidOperationException("not started");

    public string CountingNote =>
        $"{Title}: memory over its {Instances} instance processes; fan-out CPU over them and the peers' redis-server (pid {redis.Pid}), which is also the whole system.";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await program.PrepareAsync(cancellationToken);
        for (var i = 0; i < Instances; i++)
        {
            var port = FreePort.Next();
            _instances.Add((program.Start(port, redis.Port), port));
        }

        foreach (var (process, port) in _instances)
        {
            await Listening.UntilAcceptingAsync(process, port, TimeSpan.FromMinutes(1), cancellationToken);
        }

        _publisher = new PeerPublisher([.. _instances.Select(instance => instance.Port)]);
    }

    public (Uri Uri, string Instance) Endpoint(int index, string phase)
    {
        var port = _instances[index % Instances].Port;
        return (new Uri($"ws://127.0.0.1:{port}{program.SocketPath}"), $":{port}");
    }

    public (Uri Uri, string Instance) FirstInstanceEndpoint(int index, string phase) => Endpoint(0, phase);

    public IReadOnlyList<ServerProcess> Processes() =>
    [
        .. _instances.Select(instance => new ServerProcess($"{Title} :{instance.Port}", instance.Process.Pid, PathRole.Connections)),
        new ServerProcess("redis-server (peers')", redis.Pid, PathRole.Backplane),
    ];

    public ValueTask DisposeAsync()
    {
        _publisher?.Dispose();
        _instances.ForEach(instance => instance.Process.Dispose());
        return ValueTask.CompletedTask;
    }
}
