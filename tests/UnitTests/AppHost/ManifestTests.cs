using System.Diagnostics;
using System.Text.Json.Nodes;

namespace RealtimeSync.UnitTests.AppHost;

/// <summary>The checked-in manifest is what Aspire's manifest publisher writes from the AppHost's model.</summary>
public sealed class ManifestTests
{
    [Fact]
    public async Task The_checked_in_manifest_is_the_one_the_AppHost_generates()
    {
        var generated = await GenerateAsync();

        var checkedIn = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "aspire-manifest.json"));

        Assert.True(generated == checkedIn,
            "aspire-manifest.json is stale: regenerate it with 'dotnet artifacts/bin/AppHost/debug/AppHost.dll --publisher manifest --output-path aspire-manifest.json'.");
    }

    [Fact]
    public async Task Publish_mode_describes_Aspires_containers_and_each_service_gets_only_what_it_references()
    {
        var resources = JsonNode.Parse(await GenerateAsync())!["resources"]!.AsObject();

        Assert.All(["redis", "postgres", "rabbitmq"], name => Assert.Equal("container.v0", (string?)resources[name]!["type"]));
        Assert.All(["mergedb", "ingestdb"], name => Assert.Equal("value.v0", (string?)resources[name]!["type"]));
        Assert.All(["merge-api", "odoo-ingest", "change-notifier", "push-gateway", "gateway"], name => Assert.Equal("project.v0", (string?)resources[name]!["type"]));
        Assert.All(["redis-password", "postgres-password", "rabbitmq-password", "jwt-signing-key"], name =>
            Assert.True((bool)resources[name]!["inputs"]!["value"]!["secret"]!));
        Assert.Equal("{postgres.connectionString};Database=mergedb", (string?)resources["mergedb"]!["connectionString"]);
        Assert.True((bool)resources["gateway"]!["bindings"]!["http"]!["external"]!);
        Assert.Null(resources["merge-api"]!["bindings"]!["http"]!["external"]);

        var notifier = resources["change-notifier"]!["env"]!.AsObject();
        Assert.Equal("{redis.connectionString}", (string?)notifier["ConnectionStrings__redis"]);
        Assert.Equal("{rabbitmq.connectionString}", (string?)notifier["ConnectionStrings__rabbitmq"]);
        Assert.False(notifier.ContainsKey("ConnectionStrings__mergedb"));
        var gateway = resources["gateway"]!["env"]!.AsObject();
        Assert.Equal("{push-gateway.bindings.http.url}", (string?)gateway["services__push-gateway__http__0"]);
        // Kubernetes' Service balances connections, not streams: there the gateway keeps one connection per WebSocket (decision 0026).
        Assert.False(gateway.ContainsKey("Gateway__Http2Services__0"));
        Assert.Equal("{merge-api.bindings.http.url}", (string?)gateway["services__merge-api__http__0"]);
        Assert.False(gateway.ContainsKey("ConnectionStrings__rabbitmq"));
    }

    [Theory]
    [InlineData("", "odoo-password")]
    [InlineData("--Odoo:Protocol=xmlrpc", "odoo-password")]
    [InlineData("--Odoo:Protocol=json2", "odoo-api-key")]
    [InlineData("--Odoo:Protocol=xmlrpc --Odoo:ApiKey=k", "odoo-api-key")]
    [InlineData("--Odoo:Protocol=auto --Odoo:ApiKey=k --Odoo:Password=p", "odoo-password,odoo-api-key")]
    public async Task Odoo_ingest_gets_the_secrets_its_protocol_authenticates_with_and_no_more(string arguments, string secrets)
    {
        var resources = JsonNode.Parse(await GenerateAsync(arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)))!["resources"]!.AsObject();

        var declared = resources.Select(resource => resource.Key).Where(name => name is "odoo-password" or "odoo-api-key");
        Assert.Equal(secrets.Split(','), declared);
        var environment = resources["odoo-ingest"]!["env"]!.AsObject();
        Assert.Equal(secrets.Contains("odoo-password"), environment.ContainsKey("Odoo__Password"));
        Assert.Equal(secrets.Contains("odoo-api-key"), environment.ContainsKey("Odoo__ApiKey"));
    }

    /// <summary>Runs the built AppHost as <c>--publisher manifest</c> does and returns the manifest, paths relative to the repository as in the checked-in copy.</summary>
    private static async Task<string> GenerateAsync(params string[] configuration)
    {
        var root = RepositoryRoot();
        var folder = Directory.CreateDirectory(Path.Combine(root, ".state", "manifest-check", Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            var output = Path.Combine(folder, "aspire-manifest.json");
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
            foreach (var argument in new[] { Path.Combine(root, "artifacts", "bin", "AppHost", "debug", "AppHost.dll"), "--publisher", "manifest", "--output-path", output }.Concat(configuration))
            {
                info.ArgumentList.Add(argument);
            }

            using var process = Process.Start(info)!;
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var log = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var errors = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, $"the AppHost's manifest publisher failed: {await log}{await errors}");
            var relativeToRoot = Path.GetRelativePath(folder, root).Replace('\\', '/') + "/";
            return (await File.ReadAllTextAsync(output)).Replace($"\"path\": \"{relativeToRoot}", "\"path\": \"", StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "RealtimeSync.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("RealtimeSync.sln not found");
    }
}
