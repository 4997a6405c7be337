using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using RealtimeSync.AppHost.Hosting;
using RealtimeSync.AppHost.Hosting.Testing;
using RealtimeSync.OdooSimulator;
using RealtimeSync.PushLog;
using RealtimeSync.ServiceDefaults.Auth;
using StackExchange.Redis;

namespace RealtimeSync.FunctionalTests.Infrastructure;

/// <summary>
/// The whole system, started once for the functional tests from the AppHost's own model (as
/// Aspire.Hosting.Testing does): real Redis, PostgreSQL and RabbitMQ, every service, the gateway;
/// on free ports and in a state folder of its own, so a running ./run is never touched.
/// </summary>
public class RealtimeSystem : IAsyncLifetime
{
    private DistributedApplication? _app;
    private OdooSimulatorServer? _odoo;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("Not started.");

    /// <summary>The gateway as a backoffice editor sees it.</summary>
    public HttpClient Gateway { get; private set; } = null!;

    public Uri GatewayWebSocket => new UriBuilder(App.GetEndpoint("gateway")) { Scheme = "ws", Path = "/ws" }.Uri;

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
        _odoo = await OdooSimulatorServer.StartAsync(new OdooSimulatorOptions());
        OdooSeed.PurchaseOrders(_odoo.Database, SeedOrders, SeedLinesPerOrder, DateTimeOffset.UtcNow.AddMinutes(-1));
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            $"--Odoo:Url={_odoo.Url}",
            "--Odoo:Database=odoo",
            "--Odoo:Login=admin",
            "--Odoo:Password=admin",
            "--Odoo:ApiKey=simulated-api-key",
            $"--Odoo:Protocol={OdooProtocol}",
            $"--AppHost:StateDirectory={StateFolder}",
            "--AppHost:Durable=false",
            "--AppHost:EchoToConsole=false",
            "--AppHost:Environment=Testing", // services load appsettings.Testing.json: merge-api declares the t* collections tests use

            "--Gateway:Port=0");
        _app = await builder.BuildAsync();
        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await _app.StartAsync(startup.Token);
        Gateway = ClientFor("backoffice", Roles.Editor);
    }

    public async Task DisposeAsync()
    {
        Gateway?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        if (_odoo is not null)
        {
            await _odoo.DisposeAsync();
        }

        // Keep the logs for diagnosis; drop the server data, which is large.
        foreach (var data in new[] { "postgres", "rabbitmq", "redis" }.Select(name => Path.Combine(StateFolder, name)))
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    /// <summary>A token signed with the key the services were started with, as a real identity provider would issue.</summary>
    public string Token(string user, params string[] roles) => DevTokens.Create(App.GetParameterValue("jwt-signing-key"), user, roles);

    /// <summary>An HttpClient on the gateway, signed in as <paramref name="user"/> (anonymous when null).</summary>
    public HttpClient ClientFor(string? user, params string[] roles)
    {
        var client = App.CreateHttpClient("gateway");
        client.Timeout = TimeSpan.FromSeconds(30);
        if (user is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(user, roles));
        }

        return client;
    }

    /// <summary>A connection to the system's Redis, for tests that read or write the topic log directly (admin: may run CLIENT KILL).</summary>
    public async Task<ConnectionMultiplexer> RedisAsync(bool admin = false) =>
        await ConnectionMultiplexer.ConnectAsync(App.GetConnectionString("redis") + (admin ? ",allowAdmin=true" : string.Empty));

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
}

[CollectionDefinition(Name)]
public sealed class RealtimeSystemCollection : ICollectionFixture<RealtimeSystem>
{
    public const string Name = "realtime system";
}
