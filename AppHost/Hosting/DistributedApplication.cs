using System.Runtime.InteropServices;
using RealtimeSync.AppHost.Hosting.Orchestration;
using RealtimeSync.AppHost.Hosting.Orchestration.Runners;
using RealtimeSync.AppHost.Hosting.Publishing;

namespace RealtimeSync.AppHost.Hosting;

/// <summary>
/// The running application, as Aspire's DistributedApplication: <see cref="Run"/> starts every resource
/// and waits for Ctrl+C (or writes the manifest in publish mode); tests use Start/Stop and CreateHttpClient.
/// </summary>
public sealed class DistributedApplication : IAsyncDisposable
{
    /// <summary>Set by the testing builder: receives the built application instead of letting Run() run it.</summary>
    internal static readonly AsyncLocal<Action<DistributedApplication>?> Capture = new();

    private readonly bool _runSuppressed;
    private Orchestrator? _orchestrator;

    internal DistributedApplication(DistributedApplicationBuilder builder)
    {
        Builder = builder;
        if (Capture.Value is { } capture)
        {
            _runSuppressed = true;
            capture(this);
        }
    }

    public DistributedApplicationBuilder Builder { get; }

    public IReadOnlyList<Resource> Resources => Builder.Resources;

    public static DistributedApplicationBuilder CreateBuilder(string[] args) => new(args);

    public void Run() => RunAsync().GetAwaiter().GetResult();

    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        if (_runSuppressed)
        {
            return;
        }

        if (Builder.IsPublishMode)
        {
            var path = Path.GetFullPath(Builder.Configuration["output-path"] ?? "aspire-manifest.json");
            await File.WriteAllTextAsync(path, ManifestPublisher.Write(Builder.Resources, Path.GetDirectoryName(path)!), cancellationToken);
            Console.WriteLine($"Wrote {path}");
            return;
        }

        using var shutdown = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        try
        {
            await StartAsync(shutdown.Token);
            foreach (var project in Resources.OfType<ProjectResource>().Where(project => project.HttpEndpoint.IsExternal))
            {
                Console.WriteLine($"{char.ToUpperInvariant(project.Name[0])}{project.Name[1..]}: {project.HttpEndpoint.Url()}");
            }

            Builder.StartedCallbacks.ForEach(callback => callback(this));
            Console.WriteLine("Everything is up; press Ctrl+C to stop.");
            await Task.Delay(Timeout.Infinite, shutdown.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        finally
        {
            Console.WriteLine("Stopping...");
            await StopAsync();
        }

        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true; // we stop in order ourselves
            shutdown.Cancel();
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var options = new RunOptions();
        Builder.Configuration.GetSection("AppHost").Bind(options);
        options.OtlpEndpoint ??= Builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var state = new StateFolder(options.StateDirectory ?? DefaultStateDirectory());
        var context = new RunContext(state, new ResourceLog(state.Logs, options.EchoToConsole), options);
        _orchestrator = new Orchestrator(Resources, context, Builder.Configuration);
        await _orchestrator.StartAsync(cancellationToken);
    }

    public async Task StopAsync()
    {
        if (_orchestrator is { } orchestrator)
        {
            _orchestrator = null;
            await orchestrator.StopAsync();
            orchestrator.Context.Log.Dispose();
            orchestrator.Context.State.Dispose();
            orchestrator.Context.Dispose();
        }
    }

    /// <summary>An HttpClient for a project's http endpoint (replica 0), as Aspire.Hosting.Testing's CreateHttpClient.</summary>
    public HttpClient CreateHttpClient(string resourceName) => new() { BaseAddress = GetEndpoint(resourceName) };

    public Uri GetEndpoint(string resourceName, int replica = 0) =>
        new(Resources.OfType<ProjectResource>().Single(project => project.Name == resourceName).HttpEndpoint.Url(replica));

    /// <summary>A parameter's value during a run (a generated secret, for instance).</summary>
    public string GetParameterValue(string name) =>
        Resources.OfType<ParameterResource>().Single(parameter => parameter.Name == name).GetValue();

    public string GetConnectionString(string resourceName) =>
        Resources.OfType<IResourceWithConnectionString>().Single(resource => resource.Name == resourceName).ConnectionStringExpression.GetValue();

    /// <summary>Stops a resource as if it failed, with no restart, until <see cref="StartResourceAsync"/>.</summary>
    public Task StopResourceAsync(string resourceName) => Running.StopResourceAsync(resourceName);

    public Task StartResourceAsync(string resourceName, CancellationToken cancellationToken = default) =>
        Running.StartResourceAsync(resourceName, cancellationToken);

    /// <summary>Kills one replica of a project with SIGKILL (an instance failure), without restarting it.</summary>
    public Task KillReplicaAsync(string resourceName, int replica) =>
        ((ProjectRunner)Running.Runner(resourceName)).KillReplicaAsync(replica);

    /// <summary>The process id of each replica of a project (null while a replica is down).</summary>
    public IReadOnlyList<int?> GetProcessIds(string resourceName) =>
        ((ProjectRunner)Running.Runner(resourceName)).Replicas.Select(replica => replica.ProcessId).ToList();

    public string LogsFolder => Running.Context.State.Logs;

    public async ValueTask DisposeAsync() => await StopAsync();

    private Orchestrator Running => _orchestrator ?? throw new InvalidOperationException("The application is not started.");

    private static string DefaultStateDirectory()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "RealtimeSync.sln")))
            {
                return Path.Combine(folder.FullName, ".state", "run");
            }
        }

        return Path.Combine(Directory.GetCurrentDirectory(), ".state", "run");
    }
}
