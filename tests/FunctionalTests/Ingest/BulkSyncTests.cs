using System.Text.Json.Nodes;
using Npgsql;
using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.Ingest;

/// <summary>A system of its own whose Odoo already holds 10,000 purchase orders with 100,000 lines, synced over XML-RPC.</summary>
public sealed class BulkOdooSystem : RealtimeSystem
{
    protected override int SeedOrders => 10_000;

    protected override int SeedLinesPerOrder => 10;

    protected override string OdooProtocol => "xmlrpc";
}

[CollectionDefinition(Name)]
public sealed class BulkOdooCollection : ICollectionFixture<BulkOdooSystem>
{
    public const string Name = "bulk odoo system";
}

[Collection(BulkOdooCollection.Name)]
public sealed class BulkSyncTests(BulkOdooSystem system)
{
    [Fact]
    public async Task A_first_sync_takes_10000_orders_with_100000_lines_over_xml_rpc_exactly_once()
    {
        var ingest = new IngestProbe(system);
        var first = await FirstSucceededRunAsync(ingest);

        Assert.Equal("xmlrpc", (string?)first["protocol"]);
        Assert.Equal(10_000, (int)first["counts"]!["purchase.order"]!["created"]!);
        Assert.Equal(100_000, (int)first["counts"]!["purchase.order.line"]!["created"]!);
        var orders = await ingest.RowsAsync("purchase.order");
        var lines = await ingest.RowsAsync("purchase.order.line");
        Assert.Equal(10_000, orders.Count(row => row.Value.Archived is null));
        Assert.Equal(100_000, lines.Count(row => row.Value.Archived is null));
        Assert.Equal(Enumerable.Range(1, 10_000), orders.Keys.Order());
        Assert.Equal("P00042", (string?)orders[42].Data["name"]);
        Assert.Equal(42, (int)lines.Values.First(line => (string?)line.Data["name"] == "Line 3 of P00042").Data["order_id"]![0]!);

        // The sync analyzed the table it grew (autovacuum's passes are counted apart): planned without statistics, each
        // page's lookup of its orders' children scanned every line stored so far.
        await using (var dataSource = NpgsqlDataSource.Create(system.ConnectionString("ingestdb")))
        await using (var analyzed = dataSource.CreateCommand("SELECT analyze_count FROM pg_stat_user_tables WHERE relid = 'odoo_ingest.records'::regclass"))
        {
            Assert.True((long)(await analyzed.ExecuteScalarAsync())! > 0, "odoo-ingest never analyzed odoo_ingest.records while a first sync grew it");
        }

        var again = await ingest.RunAndWaitAsync();
        Assert.Equal(0, (int?)again["counts"]?["purchase.order"]?["created"] ?? 0); // a re-read creates nothing and publishes nothing
    }

    private static async Task<JsonObject> FirstSucceededRunAsync(IngestProbe ingest)
    {
        await Wait.UntilAsync(async () => (await ingest.StreamAsync())["state"]?["watermark"] is not null, TimeSpan.FromMinutes(6), "the first sync did not finish within 6 minutes");
        return await ingest.OldestRunAsync();
    }
}
