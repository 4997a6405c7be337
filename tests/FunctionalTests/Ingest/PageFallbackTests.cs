using System.Text.Json.Nodes;
using Npgsql;
using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.Ingest;

/// <summary>
/// A page is stored in a few statements; when PostgreSQL refuses one of its records, the page is stored again
/// record by record: the refused one fails alone (kept, retried), the rest is stored, each change published once.
/// </summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class PageFallbackTests(RealtimeSystem system)
{
    private const string Refused = "PO-REFUSED-BY-POSTGRESQL";

    private readonly IngestProbe _ingest = new(system);

    [Fact]
    public async Task A_record_postgresql_refuses_fails_alone_and_the_rest_of_its_page_is_stored_with_one_event_each()
    {
        await using var dataSource = NpgsqlDataSource.Create(system.ConnectionString("ingestdb"));

        // A rule the data does not meet (as a constraint an operator added would be): PostgreSQL refuses this one order.
        await ExecuteAsync(dataSource, $"ALTER TABLE odoo_ingest.records ADD CONSTRAINT test_refuses_one_order CHECK (data->>'name' IS DISTINCT FROM '{Refused}') NOT VALID");
        List<int> orders;
        int refused;
        try
        {
            // One transaction, so the refused order and its healthy neighbours are read in one page.
            (orders, refused) = system.Odoo.Database.Run(transaction =>
            {
                var healthy = Enumerable.Range(0, 30).Select(n => transaction.Create("purchase.order", new JsonObject { ["name"] = $"B{n}", ["partner_id"] = 1, ["state"] = "draft" })).ToList();
                var bad = transaction.Create("purchase.order", new JsonObject { ["name"] = Refused, ["partner_id"] = 1, ["state"] = "draft" });
                healthy.AddRange(Enumerable.Range(30, 10).Select(n => transaction.Create("purchase.order", new JsonObject { ["name"] = $"B{n}", ["partner_id"] = 1, ["state"] = "draft" })));
                return (healthy, bad);
            });
            var run = await _ingest.FinishedRunAsync(run => ((JsonArray)run["errors"]!).Any(error => ((string?)error)!.StartsWith($"purchase.order {refused}: ", StringComparison.Ordinal)), TimeSpan.FromSeconds(60));

            Assert.Equal("partial", (string?)run["status"]);
            Assert.Contains(run["errors"]!.AsArray(), error => ((string?)error)!.Contains("test_refuses_one_order"));
            var rows = await _ingest.RowsAsync("purchase.order");
            Assert.All(orders, id => Assert.StartsWith("B", (string?)rows[id].Data["name"]));
            Assert.False(rows.ContainsKey(refused));
            Assert.Equal(1, await _ingest.FailureCountAsync(refused));
        }
        finally
        {
            await ExecuteAsync(dataSource, "ALTER TABLE odoo_ingest.records DROP CONSTRAINT IF EXISTS test_refuses_one_order");
        }

        await _ingest.RunAndWaitAsync();
        Assert.Equal(Refused, (string?)(await _ingest.RowsAsync("purchase.order"))[refused].Data["name"]);
        Assert.Equal(0, await _ingest.FailureCountAsync(refused));

        // The page's first try (rolled back) published nothing; each order's creation is one event, re-reads add none.
        var events = await EventCountsAsync(dataSource, orders.Append(refused));
        Assert.All(orders.Append(refused), id => Assert.Equal(1, events.GetValueOrDefault(id)));
    }

    private static async Task<Dictionary<int, long>> EventCountsAsync(NpgsqlDataSource dataSource, IEnumerable<int> orders)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT (payload->>'recordId')::integer, count(*) FROM odoo_ingest.outbox
            WHERE payload->>'collection' = 'purchase.order' AND (payload->>'recordId')::integer = ANY($1) GROUP BY 1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = orders.ToArray() });
        var counts = new Dictionary<int, long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            counts[reader.GetInt32(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
