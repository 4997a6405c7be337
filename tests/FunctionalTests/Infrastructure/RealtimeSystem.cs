using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RealtimeSync.OdooSimulator;
using RealtimeSync.PushLog;
using RealtimeSync.ServiceDefaults.Auth;
using StackExchange.Redis;

namespace RealtimeSync.FunctionalTests.Infrastructure;

/// <summary>
/// The whole system, started once per test collection from the AppHost's own model through
/// Aspire.Hosting.Testing: real Redis, PostgreSQL and RabbitMQ, every service, the gateway; dashboard
/// off, ports random, and a state folder of its own, so a running ./run is never touched.
/// </summary>
public class RealtimeSystem : IAsyncLifetime
{
    private static readonly string[] ConnectionNames = ["redis", "mergedb", "ingestdb", "rabbitmq"];

    private readonly Dictionary<string, string> _connectionStrings = [];
    private readonly ConcurrentDictionary<string, (string Resource, int? ProcessId)> _processes = new();
    private readonly CancellationTokenSource _stopping = new();
    private DistributedApplication? _app;
    private OdooSimulatorServer? _odoo;
    private OtlpCollector? _telemetry;
    private string _signingKey = string.Empty;

    /// <summary>Every span the services exported: Aspire points each one at it over OTLP http/protobuf.</summary>
    public OtlpCollector Telemetry => _telemetry ?? throw new InvalidOperationException("Not started.");

    public DistributedApplication App => _app ?? throw new InvalidOperationException("Not started.");

    /// <summary>The gateway as a backoffice editor sees it.</summary>
    public HttpClient Gateway { get; private set; } = null!;

    /// <summary>The secret odoo-ingest expects in an Odoo webhook hint's URL.</summary>
    public string HintSecret { get; private set; } = string.Empty;

    public Uri GatewayWebSocket => new UriBuilder(App.GetEndpoint("gateway", "http")) { Scheme = "ws", Path = "/ws" }.Uri;

    public string StateFolder { get; } = Path.Combine(RepositoryRoot(), ".state", "tests", $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid():N}"[..24]);

    /// <summary>Purchase orders (and lines each) the simulated Odoo holds before the system starts: its first sync takes them all.</summary>
    protected virtual int SeedOrders => 5;

    protected virtual int SeedLinesPerOrder => 3;

    /// <summary>auto picks JSON-2 (the simulator is Odoo 19 and an API key is set).</summary>
    protected virtual string OdooProtocol => "auto";

    /// <summary>The Odoo that odoo-ingest syncs from: the simulator, in this process, so tests can write to it concurrently.</summary>
    public OdooSimulatorServer Odoo => _odoo ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        _telemetry = await OtlpCollector.StartAsync();
        _odoo = await OdooSimulatorServer.StartAsync(new OdooSimulatorOptions());
        OdooSeed.PurchaseOrders(_odoo.Database, SeedOrders, SeedLinesPerOrder, DateTimeOffset.UtcNow.AddMinutes(-1));
        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [
                $"--Odoo:Url={_odoo.Url}",
                "--Odoo:Database=odoo",
                "--Odoo:Login=admin",
                "--Odoo:Password=admin",
                "--Odoo:ApiKey=simulated-api-key",
                $"--Odoo:Protocol={OdooProtocol}",
                $"--AppHost:StateDirectory={StateFolder}",
                "--AppHost:Durable=false",
            ],
            (options, _) => options.DisableDashboard = true,
            startup.Token);

        // Services load appsettings.Testing.json: merge-api declares the t* collections tests use, push-gateway's short intervals.
        foreach (var project in builder.Resources.OfType<ProjectResource>().ToList())
        {
            var resource = builder.CreateResourceBuilder(project);
            if (PushGateways.Contains(project.Name))
            {
                // Connection leases short enough that a test sees one lapse unless its instance renews it (renewed every 2 s).
                resource.WithEnvironment("PushGateway__ConnectionLease", ConnectionLease.ToString("c", CultureInfo.InvariantCulture));
            }

            resource
                .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Testing")
                .WithEnvironment("DOTNET_ENVIRONMENT", "Testing")
                // Telemetry goes to the collector, where ./run sends it to the dashboard (set after Aspire's own OTLP variables, so these win).
                .WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", _telemetry.Endpoint.ToString())
                .WithEnvironment("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
                .WithEnvironment("OTEL_BSP_SCHEDULE_DELAY", "500");
        }

        var signingKey = builder.Resources.OfType<ParameterResource>().Single(parameter => parameter.Name == "jwt-signing-key");
        var hintSecret = builder.Resources.OfType<ParameterResource>().Single(parameter => parameter.Name == "odoo-hint-secret");
        _app = await builder.BuildAsync(startup.Token);
        _ = WatchProcessesAsync(_app, _stopping.Token);
        _ = KeepLogsAsync(_app, _stopping.Token);
        await _app.StartAsync(startup.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("gateway", startup.Token);
        _signingKey = await signingKey.GetValueAsync(startup.Token) ?? throw new InvalidOperationException("No signing key.");
        HintSecret = await hintSecret.GetValueAsync(startup.Token) ?? throw new InvalidOperationException("No hint secret.");
        foreach (var name in ConnectionNames)
        {
            _connectionStrings[name] = await _app.GetConnectionStringAsync(name, startup.Token) ?? throw new InvalidOperationException($"No connection string for {name}.");
        }

        Gateway = ClientFor("backoffice", Roles.Editor);
        await PushInstances.UntilBothServeAsync(this);
    }

    public async Task DisposeAsync()
    {
        await _stopping.CancelAsync();
        Gateway?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        if (_odoo is not null)
        {
            await _odoo.DisposeAsync();
        }

        if (_telemetry is not null)
        {
            await _telemetry.DisposeAsync();
        }

        // Drop the server data, which is large.
        if (Directory.Exists(StateFolder))
        {
            Directory.Delete(StateFolder, recursive: true);
        }

        _stopping.Dispose();
    }

    /// <summary>A server's or database's connection string as the services get it (redis, mergedb, ingestdb, rabbitmq).</summary>
    public string ConnectionString(string name) => _connectionStrings[name];

    /// <summary>The process of each running replica of <paramref name="resource"/> (null while one has none).</summary>
    public IReadOnlyList<int?> ProcessIds(string resource) =>
        [.. _processes.Where(entry => entry.Value.Resource == resource).OrderBy(entry => entry.Key).Select(entry => entry.Value.ProcessId)];

    /// <summary>The resources of push-gateway's instances in run mode (the AppHost models them apart: decision 0021).</summary>
    public static readonly string[] PushGateways = ["push-gateway-1", "push-gateway-2"];

    /// <summary>push-gateway's connection leases in these tests (60 s shipped).</summary>
    public static readonly TimeSpan ConnectionLease = TimeSpan.FromSeconds(6);

    /// <summary>
    /// The process of push-gateway's instance whose id (OpenTelemetry's service.instance.id, the id push-gateway reports
    /// in welcome and status) is <paramref name="instance"/>.
    /// </summary>
    public int ProcessIdOfPushGateway(string instance)
    {
        var replica = _processes.Where(entry => PushGateways.Contains(entry.Value.Resource) && (entry.Key == instance || entry.Key.EndsWith($"-{instance}", StringComparison.Ordinal))).ToList();
        return replica is [{ Value.ProcessId: { } pid }]
            ? pid
            : throw new InvalidOperationException($"No single running push-gateway is instance {instance}: {string.Join(", ", _processes.Keys)}");
    }

    /// <summary>Stops a resource as the dashboard's stop command does (tests: an outage).</summary>
    public Task StopResourceAsync(string resource) => RunCommandAsync(resource, KnownResourceCommands.StopCommand);

    /// <summary>Starts a stopped resource again and waits until it is healthy.</summary>
    public async Task StartResourceAsync(string resource)
    {
        await RunCommandAsync(resource, KnownResourceCommands.StartCommand);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
    }

    /// <summary>A token signed with the key the services were started with, as a real identity provider would issue.</summary>
    public string Token(string user, params string[] roles) => DevTokens.Create(_signingKey, user, roles);

    /// <summary>A token that expires after <paramref name="lifetime"/>.</summary>
    public string Token(string user, TimeSpan lifetime, params string[] roles) => DevTokens.Create(_signingKey, user, roles, lifetime);

    /// <summary>An HttpClient on the gateway, signed in as <paramref name="user"/> (anonymous when null).</summary>
    public HttpClient ClientFor(string? user, params string[] roles)
    {
        var client = App.CreateHttpClient("gateway", "http");
        client.Timeout = TimeSpan.FromSeconds(30);
        if (user is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(user, roles));
        }

        return client;
    }

    /// <summary>A connection to the system's Redis, for tests that read or write the topic log directly (admin: may run CLIENT KILL).</summary>
    public async Task<ConnectionMultiplexer> RedisAsync(bool admin = false) =>
        await ConnectionMultiplexer.ConnectAsync(ConnectionString("redis") + (admin ? ",allowAdmin=true" : string.Empty));

    /// <summary>The topic log the services write, over <paramref name="redis"/>, with default or given retention.</summary>
    public static TopicLog TopicLog(IConnectionMultiplexer redis, TopicLogOptions? options = null) => new(redis, Options.Create(options ?? new TopicLogOptions()));

    /// <summary>A WebSocket client through the gateway, signed in as <paramref name="user"/>.</summary>
    public Task<PushClient> ConnectAsync(string user, params string[] roles) => PushClient.ConnectAsync(GatewayWebSocket, Token(user, roles));

    public static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "RealtimeSync.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("RealtimeSync.sln not found above " + AppContext.BaseDirectory);
    }

    private async Task RunCommandAsync(string resource, string command)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var result = await App.ResourceCommands.ExecuteCommandAsync(resource, command, timeout.Token);
        if (!result.Success)
        {
            throw new InvalidOperationException($"{command} {resource}: {result.Message}");
        }
    }

    /// <summary>
    /// Every resource's console output, under .state/test-results/logs (kept after the run, which deletes
    /// the state folder): what a service logged is the first thing to read when a test fails.
    /// </summary>
    private static async Task KeepLogsAsync(DistributedApplication app, CancellationToken stopping)
    {
        var folder = Path.Combine(RepositoryRoot(), ".state", "test-results", "logs");
        Directory.CreateDirectory(folder);
        var logs = app.Services.GetRequiredService<ResourceLoggerService>();
        var watched = new HashSet<string>();
        var copies = new List<Task>();
        try
        {
            // Logs are kept per resource instance (each replica has its own), which notifications name.
            await foreach (var update in app.ResourceNotifications.WatchAsync(stopping))
            {
                if (watched.Add(update.ResourceId))
                {
                    copies.Add(CopyAsync(logs, update.ResourceId, Path.Combine(folder, update.ResourceId + ".log"), stopping));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        await Task.WhenAll(copies);
    }

    private static async Task CopyAsync(ResourceLoggerService logs, string resourceId, string path, CancellationToken stopping)
    {
        try
        {
            await using var file = new StreamWriter(path, append: true) { AutoFlush = true };
            await foreach (var batch in logs.WatchAsync(resourceId).WithCancellation(stopping))
            {
                foreach (var line in batch)
                {
                    await file.WriteLineAsync(line.Content);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Keeps each replica's (and server's) process id as DCP reports it (a restarted one gets a new one).</summary>
    private async Task WatchProcessesAsync(DistributedApplication app, CancellationToken stopping)
    {
        try
        {
            await foreach (var update in app.ResourceNotifications.WatchAsync(stopping))
            {
                if (update.Resource is ProjectResource or ExecutableResource) // services, and the local servers tests freeze
                {
                    var pid = update.Snapshot.Properties.FirstOrDefault(property => property.Name == "executable.pid")?.Value;
                    _processes[update.ResourceId] = (update.Resource.Name, pid is null ? null : Convert.ToInt32(pid, System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class RealtimeSystemCollection : ICollectionFixture<RealtimeSystem>
{
    public const string Name = "realtime system";
}
