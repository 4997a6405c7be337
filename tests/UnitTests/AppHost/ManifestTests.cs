using System.Text.Json.Nodes;
using RealtimeSync.AppHost.Hosting.Publishing;

namespace RealtimeSync.UnitTests.AppHost;

public sealed class ManifestTests
{
    [Fact]
    public async Task The_checked_in_manifest_is_the_one_the_AppHost_generates()
    {
        var root = AppModel.RepositoryRoot();
        var generated = ManifestPublisher.Write(await AppModel.LoadAsync("publish"), root);

        var checkedIn = await File.ReadAllTextAsync(Path.Combine(root, "aspire-manifest.json"));

        Assert.True(generated == checkedIn,
            "aspire-manifest.json is stale: regenerate it with 'dotnet artifacts/bin/AppHost/debug/AppHost.dll publish --output-path aspire-manifest.json'.");
    }

    [Fact]
    public async Task Every_resource_has_the_aspire_type_its_kind_calls_for()
    {
        var manifest = JsonNode.Parse(ManifestPublisher.Write(await AppModel.LoadAsync("publish"), AppModel.RepositoryRoot()))!;
        var resources = manifest["resources"]!.AsObject();

        Assert.Equal("https://json.schemastore.org/aspire-8.0.json", (string?)manifest["$schema"]);
        Assert.All(["redis", "postgres", "rabbitmq"], name => Assert.Equal("container.v0", (string?)resources[name]!["type"]));
        Assert.All(["mergedb", "ingestdb"], name => Assert.Equal("value.v0", (string?)resources[name]!["type"]));
        Assert.All(["merge-api", "odoo-ingest", "change-notifier", "push-gateway", "gateway"], name => Assert.Equal("project.v0", (string?)resources[name]!["type"]));
        Assert.All(["redis-password", "postgres-password", "rabbitmq-password"], name =>
        {
            Assert.Equal("parameter.v0", (string?)resources[name]!["type"]);
            Assert.True((bool)resources[name]!["inputs"]!["value"]!["secret"]!);
        });
        Assert.True((bool)resources["gateway"]!["bindings"]!["http"]!["external"]!);
        Assert.Null(resources["merge-api"]!["bindings"]!["http"]!["external"]);
        Assert.Equal("{postgres.connectionString};Database=mergedb", (string?)resources["mergedb"]!["connectionString"]);
    }
}
