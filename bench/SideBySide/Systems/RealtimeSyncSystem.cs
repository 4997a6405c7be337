using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RealtimeSync.Bench.SideBySide.Load;
using RealtimeSync.Bench.SideBySide.Processes;

namespace RealtimeSync.Bench.SideBySide.Systems;

/// <summary>
/// RealtimeSync as bench/PushBench runs it: the whole system from the AppHost's model, written through merge-api and read
/// through the gateway, so a message travels outbox, RabbitMQ, change-notifier, Redis, push-gateway (two instances), the
/// gateway (YARP). Its processes and proxies are found as they are, so the benchmark follows changes to the AppHost's model.
/// </summary>
internal sealed class RealtimeSyncSystem : ISystemUnderTest
{
    private readonly List<string> _proxied = [];
    private RealtimeSyncApp? _app;
    private RealtimeSyncPublisher? _publisher;
    private int? _proxy;
    private Uri? _firstInstance;

    public string Name => "realtimesync";

    public string Title => "RealtimeSync";

    public Dialect Dialect { get; } = new RealtimeSyncDialect();

    public IPublisher Publisher => _publisher ?? throw new InvalidOperationException("not started");

    private RealtimeSyncApp App => _app ?? throw new InvalidOperationException("not started");

    public string CountingNote => _proxy is { } proxy
        ? $"RealtimeSync: memory over the gateway, both push-gateway processes and DCP's proxy (`dcp run-controllers`, pid {proxy}, which holds "
          + $"{string.Join(" and ", _proxied)} listening port, so relays every byte to it); fan-out CPU over those and Redis; the whole system adds "
          + "merge-api, change-notifier, RabbitMQ (its Erlang VM and epmd) and PostgreSQL (every backend). odoo-ingest, the launchers "
          + "(`dotnet run`, `dcp monitor-process`) and this process (the load generator, which also hosts the AppHost) are shown, not counted."
        : "RealtimeSync: no DCP proxy holds the gateway's or push-gateway's port, so none is counted: memory over the gateway and both push-gateway "
          + "processes, fan-out CPU over those and Redis; the whole system adds merge-api, change-notifier, RabbitMQ and PostgreSQL.";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var startup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        startup.CancelAfter(TimeSpan.FromMinutes(5));
        _app = await RealtimeSyncApp.StartAsync(QuietLogs, startup.Token);
        _publisher = new RealtimeSyncPublisher(_app.Gateway, user => _app.Token(user, "editor"));
        await UntilBothReplicasServeAsync(startup.Token);
        FindProxy(SubscriberPathEndpoints(_app));
    }

    public (Uri Uri, string Instance) Endpoint(int index, string phase) => (SocketUri(App.Gateway, index, phase), "?");

    /// <summary>push-gateway-1's own address, as the issue measures one instance (through the gateway each connection also takes a gateway descriptor).</summary>
    public (Uri Uri, string Instance) FirstInstanceEndpoint(int index, string phase)
    {
        _firstInstance ??= new Uri($"http://127.0.0.1:{SubscriberPathEndpoints(App).First(endpoint => endpoint.What.StartsWith("push-gateway", StringComparison.Ordinal)).Port}");
        return (SocketUri(_firstInstance, index, phase), "?");
    }

    /// <summary>A viewer's <c>/ws</c> at <paramref name="server"/>, with a token of its own per subscriber.</summary>
    private Uri SocketUri(Uri server, int index, string phase) =>
        new UriBuilder(server) { Scheme = "ws", Path = "/ws", Query = "access_token=" + Uri.EscapeDataString(App.Token($"bench-{phase}-{index}", "viewer")) }.Uri;

    /// <summary>
    /// Every process below the DCP API server that this process started (it watches this process, and lives outside
    /// its tree), named by command line: another engineer's system may run on the machine at the same time.
    /// </summary>
    public IReadOnlyList<ServerProcess> Processes()
    {
        var apiServer = ProcFs.Pids().FirstOrDefault(pid => IsOurApiServer(ProcFs.CommandLine(pid).Split(' ')));
        return apiServer == 0
            ? []
            : [.. ProcFs.Tree(apiServer).Select(pid => Classify(pid, ProcFs.CommandLine(pid))).Where(process => process is not null).Select(process => process!)];
    }

    public async ValueTask DisposeAsync()
    {
        _publisher?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>
    /// DCP puts a TCP proxy (inside `dcp run-controllers`) in front of an endpoint it proxies; replicas always have one.
    /// Whichever of these addresses such a proxy holds, it relays the subscribers' bytes, and is counted with them.
    /// </summary>
    private void FindProxy(IEnumerable<(string What, int Port)> endpoints)
    {
        foreach (var (what, port) in endpoints)
        {
            if (ProcFs.ListenerOf(port) is { } pid && ProcFs.CommandLine(pid).Contains("run-controllers", StringComparison.Ordinal))
            {
                _proxy = pid;
                _proxied.Add(what);
            }
        }
    }

    /// <summary>
    /// The AppHost logs every resource's output and every failed health check while servers start to stdout, where the
    /// table goes: only its warnings and errors are kept, on stderr. A start that fails says why in its exception.
    /// </summary>
    private static void QuietLogs(IDistributedApplicationTestingBuilder builder) => builder.Services.AddLogging(logging => logging
        .ClearProviders()
        .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace)
        .AddFilter((category, level) => level >= LogLevel.Warning
            && category?.StartsWith("AppHost.Resources.", StringComparison.Ordinal) != true
            && category?.StartsWith("Microsoft.Extensions.Diagnostics.HealthChecks", StringComparison.Ordinal) != true));

    /// <summary>
    /// The addresses of the gateway and of push-gateway (its http endpoint first, then the http2 one the gateway forwards to),
    /// however the model runs it (replicas behind one address, or instances of their own), as DCP allocated them: where a proxy
    /// would sit.
    /// </summary>
    private static IEnumerable<(string What, int Port)> SubscriberPathEndpoints(RealtimeSyncApp app) =>
        app.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ProjectResource>()
            .Where(resource => resource.Name == "gateway" || resource.Name.StartsWith("push-gateway", StringComparison.Ordinal))
            .SelectMany(resource => resource.Annotations.OfType<EndpointAnnotation>()
                .Where(endpoint => endpoint.Name is "http" or "http2")
                .OrderBy(endpoint => endpoint.Name, StringComparer.Ordinal)
                .Select(endpoint => ($"{resource.Name}'s {endpoint.Name}", resource.GetEndpoint(endpoint.Name).Port)));

    private static bool IsOurApiServer(string[] arguments) =>
        arguments.Contains("start-apiserver") && arguments.Zip(arguments.Skip(1)).Contains(("--monitor", $"{Environment.ProcessId}"));

    private ServerProcess? Classify(int pid, string line)
    {
        (string Name, PathRole Role)? kind = line switch
        {
            "" => null,
            _ when line.Contains("/artifacts/bin/Gateway/", StringComparison.Ordinal) => ("gateway", PathRole.Connections),
            _ when line.Contains("/artifacts/bin/PushGateway/", StringComparison.Ordinal) => ("push-gateway", PathRole.Connections),
            _ when pid == _proxy => ("DCP proxy (dcp run-controllers)", PathRole.Connections),
            _ when line.Contains("redis-server", StringComparison.Ordinal) => ("redis", PathRole.Backplane),
            _ when line.Contains("/artifacts/bin/MergeApi/", StringComparison.Ordinal) => ("merge-api", PathRole.Writes),
            _ when line.Contains("/artifacts/bin/ChangeNotifier/", StringComparison.Ordinal) => ("change-notifier", PathRole.Writes),
            _ when line.StartsWith("postgres", StringComparison.Ordinal) || line.Contains("/postgresql/", StringComparison.Ordinal) => ("postgres", PathRole.Writes),
            _ when line.Contains("rabbitmq", StringComparison.Ordinal) || line.Contains("beam.smp", StringComparison.Ordinal)
                || line.Contains("epmd", StringComparison.Ordinal) || line.Contains("erl_child_setup", StringComparison.Ordinal)
                || line.Contains("inet_gethost", StringComparison.Ordinal) => ("rabbitmq", PathRole.Writes),
            _ when line.Contains("/artifacts/bin/OdooIngest/", StringComparison.Ordinal) => ("odoo-ingest", PathRole.Other),
            _ when line.Contains("/artifacts/bin/OdooSimulator/", StringComparison.Ordinal) => ("odoo-demo", PathRole.Other),
            _ when line.Contains("run-controllers", StringComparison.Ordinal) => ("dcp run-controllers", PathRole.Other),
            _ => ("launchers (dotnet run, dcp)", PathRole.Other),
        };
        return kind is { } known ? new ServerProcess(known.Name, pid, known.Role) : null;
    }

    /// <summary>Both push-gateway instances answer before the subscribers connect, so the gateway spreads them over both.</summary>
    private async Task UntilBothReplicasServeAsync(CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>();
        for (var probe = 0; seen.Count < 2; probe++)
        {
            var (uri, _) = Endpoint(probe, "probe");
            try
            {
                await using var subscriber = await Subscriber.ConnectAsync(uri, "?", Dialect, cancellationToken);
                seen.Add(subscriber.Instance);
            }
            catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or TimeoutException or InvalidOperationException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken); // a replica still starting: nothing to wait on but time
            }
        }
    }
}
