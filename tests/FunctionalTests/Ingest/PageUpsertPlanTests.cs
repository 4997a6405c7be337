using System.Text.Json.Nodes;
using RealtimeSync.FunctionalTests.Infrastructure;
using RealtimeSync.OdooIngest.Sync;

namespace RealtimeSync.FunctionalTests.Ingest;

/// <summary>
/// A page's storage costs what the page holds, not what the table holds (decision 0029): each record's former self is
/// found by its key, also while the table has no statistics, as during a first sync, before any analysis ran.
/// </summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class PageUpsertPlanTests(RealtimeSystem system) : IAsyncLifetime
{
    private readonly ScratchSchema _scratch = new(system, "ingestdb", "plan_test_");

    [Fact]
    public async Task A_page_looks_up_each_stored_record_by_its_key_in_a_table_never_analysed()
    {
        // odoo-ingest's table as it is, 50,000 stored lines, never analysed (autovacuum off, so none runs meanwhile).
        var table = $"{_scratch.Name}.records";
        await _scratch.ExecuteAsync($"""
            CREATE SCHEMA {_scratch.Name};
            CREATE TABLE {table} (LIKE odoo_ingest.records INCLUDING ALL) WITH (autovacuum_enabled = false);
            INSERT INTO {table} (odoo_database, model, odoo_id, parent_id, data, odoo_write_date, version)
            SELECT 'plan', 'purchase.order.line', g, g / 10, jsonb_build_object('name', 'line ' || g), '2026-12-03 10:00:00', 1 FROM generate_series(1, 50000) AS g;
            """);

        // A first sync's page: 200 orders and their 2,000 lines, half of the lines stored already.
        var page = Enumerable.Range(1, 200).Select(order => new IncomingRecord("purchase.order", order, null, new JsonObject { ["name"] = $"PO{order}" }, "2026-12-03 10:00:01"))
            .Concat(Enumerable.Range(49_001, 2_000).Select(line => new IncomingRecord("purchase.order.line", line, line / 10, new JsonObject { ["name"] = $"line {line}" }, "2026-12-03 10:00:01")))
            .ToList();
        await using var connection = await _scratch.DataSource.OpenConnectionAsync();
        await using var explain = IngestedRecords.PageUpsertCommand(table, "plan", page);
        explain.CommandText = "EXPLAIN (FORMAT JSON) " + explain.CommandText;
        explain.Connection = connection;
        var plan = JsonNode.Parse((string)(await explain.ExecuteScalarAsync())!)!;

        var reads = Nodes(plan[0]!["Plan"]!).Where(node => (string?)node["Relation Name"] == "records" && (string?)node["Node Type"] != "ModifyTable").ToList();
        Assert.NotEmpty(reads);
        Assert.All(reads, read =>
        {
            Assert.Equal("Index Scan", (string?)read["Node Type"]);
            Assert.Contains("odoo_id =", (string?)read["Index Cond"]);
        });
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _scratch.DisposeAsync();

    /// <summary>Every node of a plan, the node itself first.</summary>
    private static IEnumerable<JsonNode> Nodes(JsonNode node) =>
        (node["Plans"]?.AsArray() ?? []).SelectMany(child => Nodes(child!)).Prepend(node);
}
