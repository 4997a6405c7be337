namespace RealtimeSync.AppHost.Hosting.Orchestration.Runners;

/// <summary>redis-server on a loopback port, password required, nothing persisted (push logs are short-lived by design).</summary>
internal sealed class RedisRunner(RedisResource redis, RunContext context) : IResourceRunner
{
    private SupervisedProcess? _process;

    public Resource Resource => redis;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var folder = Directory.CreateDirectory(context.State.Sub("redis")).FullName;
        var port = redis.PrimaryEndpoint.AllocatedPorts[0];
        var password = redis.Password.GetValue();
        _process = context.Supervise(
            new ProcessSpec(redis.Name, Binaries.Find("redis-server"),
                ["--port", $"{port}", "--bind", "127.0.0.1", "--requirepass", password, "--save", "", "--appendonly", "no", "--dir", folder],
                new Dictionary<string, string>(), folder),
            Readiness.Redis(port, password));
        await _process.StartAsync(cancellationToken);
    }

    public Task StopAsync() => _process?.StopAsync(Signals.Terminate, TimeSpan.FromSeconds(10)) ?? Task.CompletedTask;
}
