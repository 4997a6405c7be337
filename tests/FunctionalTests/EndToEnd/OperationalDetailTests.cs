using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.EndToEnd;

/// <summary>Operational detail (Odoo's database and uuid, last errors, each instance's address and counts) is for admins.</summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class OperationalDetailTests(RealtimeSystem system)
{
    [Theory]
    [InlineData("viewer")]
    [InlineData("editor")]
    public async Task Only_admins_read_the_ingest_streams_and_runs(string role)
    {
        using var user = system.ClientFor($"{role}-ops", role);
        using var admin = system.ClientFor("admin-ops", "admin");

        using var streams = await user.GetAsync("/api/ingest/streams");
        using var runs = await user.GetAsync("/api/ingest/runs");

        Assert.Equal(HttpStatusCode.Forbidden, streams.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, runs.StatusCode);
        Assert.Equal("application/problem+json", streams.Content.Headers.ContentType?.MediaType);
        Assert.NotNull((await admin.GetFromJsonAsync<JsonObject>("/api/ingest/streams"))!["streams"]![0]!["odooDatabase"]);
    }

    [Fact]
    public async Task Everyone_signed_in_gets_the_status_totals_and_only_admins_the_instances()
    {
        using var viewer = system.ClientFor("viewer-ops", "viewer");
        using var admin = system.ClientFor("admin-ops", "admin");

        var totals = (await viewer.GetFromJsonAsync<JsonObject>("/api/sync/status"))!["status"]!;
        var detail = (await admin.GetFromJsonAsync<JsonObject>("/api/sync/status"))!["status"]!;

        Assert.NotNull(totals["websocket"]!["connections"]);
        Assert.Null(totals["instances"]);
        Assert.Equal(2, detail["instances"]!.AsArray().Count);
    }
}
