using Npgsql;
using RealtimeSync.AppHost.Hosting;
using RealtimeSync.AppHost.Hosting.Model;
using StackExchange.Redis;

namespace RealtimeSync.UnitTests.AppHost;

/// <summary>Services get exactly Aspire's run-time variables, in Aspire's value formats, and can parse them.</summary>
public sealed class EnvironmentContractTests
{
    [Fact]
    public async Task Connection_strings_have_aspires_formats_and_the_clients_accept_them()
    {
        var resources = await StartedModelAsync();
        var mergeApi = Project(resources, "merge-api");

        var variables = ProjectEnvironment.ForRun(mergeApi, 0, "Production", otlpEndpoint: null);

        Assert.Equal("Host=127.0.0.1;Port=15432;Username=postgres;Password=pg-secret;Database=mergedb", variables["ConnectionStrings__mergedb"]);
        Assert.Equal("amqp://guest:mq-secret@127.0.0.1:15672", variables["ConnectionStrings__rabbitmq"]);
        Assert.Equal("mergedb", new NpgsqlConnectionStringBuilder(variables["ConnectionStrings__mergedb"]).Database);

        var notifier = ProjectEnvironment.ForRun(Project(resources, "change-notifier"), 0, "Production", null);
        Assert.Equal("127.0.0.1:16379,password=redis-secret", notifier["ConnectionStrings__redis"]);
        Assert.Equal("redis-secret", ConfigurationOptions.Parse(notifier["ConnectionStrings__redis"]).Password);
        Assert.False(notifier.ContainsKey("ConnectionStrings__mergedb"));

        var ingest = ProjectEnvironment.ForRun(Project(resources, "odoo-ingest"), 0, "Production", null);
        Assert.Equal("http://127.0.0.1:25000", ingest["Odoo__Url"]); // no Odoo configured: the labelled demo simulator
    }

    [Fact]
    public async Task Each_replica_has_its_own_address_and_instance_id_and_the_gateway_discovers_all_of_them()
    {
        var resources = await StartedModelAsync();

        var second = ProjectEnvironment.ForRun(Project(resources, "push-gateway"), 1, "Development", "http://127.0.0.1:4317");
        var gateway = ProjectEnvironment.ForRun(Project(resources, "gateway"), 0, "Development", null);

        Assert.Equal("http://127.0.0.1:20001", second["ASPNETCORE_URLS"]);
        Assert.Equal("push-gateway", second["OTEL_SERVICE_NAME"]);
        Assert.Equal("service.instance.id=push-gateway-1", second["OTEL_RESOURCE_ATTRIBUTES"]);
        Assert.Equal("http://127.0.0.1:4317", second["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("http://127.0.0.1:20000", gateway["services__push-gateway__http__0"]);
        Assert.Equal("http://127.0.0.1:20001", gateway["services__push-gateway__http__1"]);
        Assert.Equal("http://127.0.0.1:21000", gateway["services__merge-api__http__0"]);
        Assert.False(gateway.ContainsKey("OTEL_EXPORTER_OTLP_ENDPOINT"));
        Assert.Equal("a-signing-key-of-at-least-thirty-two-bytes", gateway["Auth__SigningKey"]);
        Assert.Equal("a-signing-key-of-at-least-thirty-two-bytes", second["Auth__SigningKey"]);
    }

    [Fact]
    public void A_reference_to_something_without_a_connection_string_or_endpoint_is_refused()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var parameter = builder.AddParameter("some-secret", secret: true);
        var project = builder.AddProject<Projects.MergeApi>("x");

        var refused = Assert.Throws<InvalidOperationException>(() => project.WithReference(parameter));
        Assert.Contains("some-secret", refused.Message);
    }

    private static ProjectResource Project(IReadOnlyList<Resource> resources, string name) =>
        resources.OfType<ProjectResource>().Single(project => project.Name == name);

    /// <summary>The real model with the ports and secrets a run would assign, fixed so the values can be asserted.</summary>
    private static async Task<IReadOnlyList<Resource>> StartedModelAsync()
    {
        var resources = await AppModel.LoadAsync();
        var servers = resources.OfType<ServerResource>().ToDictionary(server => server.Name);
        (string Name, int Port, string Password)[] assignments =
            [("postgres", 15432, "pg-secret"), ("rabbitmq", 15672, "mq-secret"), ("redis", 16379, "redis-secret")];
        foreach (var (name, port, password) in assignments)
        {
            servers[name].PrimaryEndpoint.AllocatedPorts.Add(port);
            servers[name].Password.SetValue(password);
        }

        resources.OfType<ParameterResource>().Single(parameter => parameter.Name == "jwt-signing-key").SetValue("a-signing-key-of-at-least-thirty-two-bytes");
        var basePort = new Dictionary<string, int>
        {
            ["push-gateway"] = 20000,
            ["merge-api"] = 21000,
            ["odoo-ingest"] = 22000,
            ["change-notifier"] = 23000,
            ["gateway"] = 24000,
            ["odoo-demo"] = 25000,
        };
        foreach (var project in resources.OfType<ProjectResource>())
        {
            project.HttpEndpoint.AllocatedPorts.AddRange(Enumerable.Range(basePort[project.Name], project.Replicas));
        }

        return resources;
    }
}
