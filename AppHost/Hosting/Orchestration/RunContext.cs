namespace RealtimeSync.AppHost.Hosting.Orchestration;

/// <summary>What every runner shares during one run.</summary>
public sealed class RunContext(StateFolder state, ResourceLog log, RunOptions options) : IDisposable
{
    public StateFolder State { get; } = state;

    public ResourceLog Log { get; } = log;

    public RunOptions Options { get; } = options;

    public HttpClient Probe { get; } = new() { Timeout = TimeSpan.FromSeconds(5) };

    public SupervisedProcess Supervise(ProcessSpec spec, Func<CancellationToken, Task<bool>> probe) =>
        new(spec, token => Readiness.PollAsync(probe, token), Log, State.Path, Options.ReadyTimeout);

    public void Dispose() => Probe.Dispose();
}

/// <summary>Run settings read from the AppHost's configuration (<c>AppHost:*</c>).</summary>
public sealed class RunOptions
{
    public string? StateDirectory { get; set; }

    /// <summary>False in tests: PostgreSQL skips fsync, trading crash durability of the OS for speed.</summary>
    public bool Durable { get; set; } = true;

    /// <summary>False in tests: resource output goes to the log files only.</summary>
    public bool EchoToConsole { get; set; } = true;

    public TimeSpan ReadyTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Where services send OTLP, when set (Aspire points this at its dashboard).</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>ASPNETCORE_ENVIRONMENT of every service, as a launch profile would set it.</summary>
    public string Environment { get; set; } = "Development";
}

/// <summary>Runs one resource: starts it (returning once it is ready) and stops it.</summary>
public interface IResourceRunner
{
    Model.Resource Resource { get; }

    Task StartAsync(CancellationToken cancellationToken);

    Task StopAsync();
}
