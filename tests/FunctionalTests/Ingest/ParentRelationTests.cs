using System.Globalization;
using System.Text.Json.Nodes;
using Npgsql;
using RealtimeSync.FunctionalTests.Infrastructure;
using RealtimeSync.OdooSimulator;

namespace RealtimeSync.FunctionalTests.Ingest;

/// <summary>
/// A stored order's order_line agrees with its stored lines after every run, even when a line is added, moved or
/// deleted without a change to any stored field of the order (a note line, a zero-price line): the order's
/// write_date stays, so only the line tells, and the order's change is published too.
/// </summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class ParentRelationTests(RealtimeSystem system)
{
    private const string Lines = "purchase.order.line";

    private readonly IngestProbe _ingest = new(system);

    private OdooDatabase Odoo => system.Odoo.Database;

    [Fact]
    public async Task An_orders_stored_lines_follow_a_line_added_moved_or_deleted_on_its_own()
    {
        var (order, other, priced) = Odoo.Run(transaction =>
        {
            var order = transaction.Create("purchase.order", new JsonObject { ["name"] = "PO-LINES", ["partner_id"] = 1, ["state"] = "draft" });
            var priced = transaction.Create(Lines, new JsonObject { ["order_id"] = order, ["product_id"] = 1, ["name"] = "priced line", ["product_qty"] = 1.0, ["price_unit"] = 10.0 });
            var other = transaction.Create("purchase.order", new JsonObject { ["name"] = "PO-OTHER-LINES", ["partner_id"] = 1, ["state"] = "draft" });
            transaction.Create(Lines, new JsonObject { ["order_id"] = other, ["product_id"] = 1, ["name"] = "other line", ["product_qty"] = 1.0, ["price_unit"] = 10.0 });
            return (order, other, priced);
        });
        await _ingest.RunAndWaitAsync();
        await WaitAgreeingAsync(order, lines => lines.Contains(priced));

        // From now on no run reads the two orders again (their write_date is before every recent window, and the overlap
        // sweep finds their write_date unchanged): only a line can tell.
        await _ingest.UntilRecentWindowPassesAsync(DateTimeOffset.Parse((string)Odoo.Row("purchase.order", order)!["write_date"]!, CultureInfo.InvariantCulture));

        // A note line, added on its own: the order's change is published too (order_line is not a real-time field, so it is read from the outbox).
        var note = Odoo.Run(transaction => transaction.Create(Lines, new JsonObject { ["order_id"] = order, ["name"] = "a note", ["product_qty"] = 0.0, ["price_unit"] = 0.0 }));
        await WaitAgreeingAsync(order, lines => lines.Contains(note));
        Assert.Contains(await PublishedOrderLinesAsync(order), published => published.Contains(note));

        // The note moves to the other order: it leaves the first order's list and joins the other's.
        Odoo.Run(transaction =>
        {
            transaction.Write(Lines, note, new JsonObject { ["order_id"] = other });
            return true;
        });
        await WaitAgreeingAsync(other, lines => lines.Contains(note));
        await WaitAgreeingAsync(order, lines => !lines.Contains(note));

        // The priced line is deleted on its own: reconciliation archives it, and the order's list drops it.
        Odoo.Run(transaction =>
        {
            transaction.Unlink(Lines, priced);
            return true;
        });
        await WaitAgreeingAsync(order, lines => lines.Count == 0);
        Assert.NotNull((await _ingest.RowsAsync(Lines))[priced].Archived);
    }

    /// <summary>The order_line of each update of <paramref name="order"/> in odoo-ingest's outbox that changed it.</summary>
    private async Task<List<List<int>>> PublishedOrderLinesAsync(int order)
    {
        await using var dataSource = NpgsqlDataSource.Create(system.ConnectionString("ingestdb"));
        await using var command = dataSource.CreateCommand("""
            SELECT payload->'values'->>'order_line' FROM odoo_ingest.outbox
            WHERE payload->>'collection' = 'purchase.order' AND payload->>'recordId' = $1 AND payload::jsonb->'changedFields' ? 'order_line'
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = order.ToString(CultureInfo.InvariantCulture) });
        var published = new List<List<int>>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            published.Add(JsonNode.Parse(reader.GetString(0))!.AsArray().Select(id => (int)id!).ToList());
        }

        return published;
    }

    /// <summary>
    /// Waits until the stored order's order_line, its live stored lines and its lines in Odoo are the same set, and
    /// that set passes <paramref name="expected"/>.
    /// </summary>
    private async Task WaitAgreeingAsync(int order, Func<IReadOnlySet<int>, bool> expected)
    {
        await Wait.UntilAsync(async () =>
        {
            var orders = await _ingest.RowsAsync("purchase.order");
            if (!orders.TryGetValue(order, out var stored))
            {
                return false;
            }

            var listed = stored.Data["order_line"]!.AsArray().Select(id => (int)id!).ToHashSet();
            var children = (await _ingest.RowsAsync(Lines)).Where(row => row.Value.Archived is null && (int?)row.Value.Data["order_id"]?[0] == order).Select(row => row.Key).ToHashSet();
            var inOdoo = Odoo.Children(Lines, "order_id", order).ToHashSet();
            return listed.SetEquals(children) && listed.SetEquals(inOdoo) && expected(listed);
        }, TimeSpan.FromSeconds(60), $"order {order}'s stored order_line, its stored lines and its lines in Odoo never agreed as expected");
    }
}
