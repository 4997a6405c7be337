using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.Ingest;

/// <summary>
/// A screen's first load of Odoo data (issue 11's purchase order list): the synced records of a model through the
/// gateway, newest first, in keyset pages, without what was deleted in Odoo.
/// </summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class IngestedRecordsTests(RealtimeSystem system) : IAsyncLifetime
{
    private readonly IngestProbe _ingest = new(system);
    private readonly HttpClient _viewer = system.ClientFor("ingested-records-viewer", "viewer");

    public Task InitializeAsync() => IngestReadiness.UntilAnsweringAsync(_ingest);

    public Task DisposeAsync()
    {
        _viewer.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_viewer_pages_through_the_synced_orders_newest_first_and_a_deleted_one_is_left_out()
    {
        var orders = _ingest.CreateOrders("LIST", 3);
        await _ingest.RunAndWaitAsync();
        await Wait.UntilAsync(async () => (await _ingest.RowsAsync("purchase.order")).Keys.Intersect(orders).Count() == 3, TimeSpan.FromSeconds(30), "the orders were not synced");

        var first = await ReadAsync($"/api/ingest/records/purchase.order?limit=2&before={orders[^1] + 1}");
        Assert.Equal("purchase.order", (string?)first["model"]);
        var items = first["items"]!.AsArray();
        Assert.Equal([orders[2].ToString(), orders[1].ToString()], items.Select(item => (string?)item!["id"]));
        Assert.Equal("LIST2", (string?)items[0]!["data"]!["name"]);
        Assert.True((long)items[0]!["version"]! >= 1);
        var next = (int)first["next"]!;
        Assert.Equal(orders[1], next);

        var second = await ReadAsync($"/api/ingest/records/purchase.order?limit=1&before={next}");
        Assert.Equal(orders[0].ToString(), (string?)second["items"]![0]!["id"]);

        system.Odoo.Database.Run(transaction =>
        {
            transaction.Unlink("purchase.order", orders[1]);
            return true;
        });
        await Wait.UntilAsync(async () => (await _ingest.RowsAsync("purchase.order"))[orders[1]].Archived is not null, TimeSpan.FromSeconds(60), "the deletion was not noticed");
        var after = await ReadAsync($"/api/ingest/records/purchase.order?limit=3&before={orders[^1] + 1}");
        Assert.DoesNotContain(orders[1].ToString(), after["items"]!.AsArray().Select(item => (string?)item!["id"]));
    }

    [Fact]
    public async Task An_unknown_model_or_bad_paging_is_a_clear_problem_and_no_token_is_a_401()
    {
        var unknown = await _viewer.GetAsync("/api/ingest/records/stock.picking");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Contains("purchase.order", (string?)(await unknown.Content.ReadFromJsonAsync<JsonObject>())!["detail"]);

        var badLimit = await _viewer.GetAsync("/api/ingest/records/purchase.order?limit=0");
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
        Assert.Equal("application/problem+json", badLimit.Content.Headers.ContentType?.MediaType);

        using var anonymous = system.ClientFor(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/ingest/records/purchase.order")).StatusCode);
    }

    private async Task<JsonObject> ReadAsync(string path)
    {
        var response = await _viewer.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }
}
