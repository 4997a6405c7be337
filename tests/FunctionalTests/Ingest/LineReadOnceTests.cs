using System.Text.Json.Nodes;
using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.Ingest;

/// <summary>A run reads each record once and counts what it read: a line written with its order is not read again by the pass for lone line edits.</summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class LineReadOnceTests(RealtimeSystem system)
{
    private const string Lines = "purchase.order.line";

    private readonly IngestProbe _ingest = new(system);

    [Fact]
    public async Task New_lines_stored_with_their_order_are_read_and_counted_once_a_run()
    {
        // Wait for a run whose window held nothing: from then on, a run counts this test's records alone.
        var latest = (long)(await _ingest.FinishedRunAsync(_ => true, TimeSpan.FromSeconds(60)))["id"]!;
        var quiet = (long)(await _ingest.FinishedRunAsync(run => (long)run["id"]! > latest && Total(run) == 0, TimeSpan.FromSeconds(120)))["id"]!;

        // The order and its lines in one Odoo transaction: the lines' own write_date is in the window too.
        system.Odoo.Database.Run(transaction =>
        {
            var order = transaction.Create("purchase.order", new JsonObject { ["name"] = "PO-READ-ONCE", ["partner_id"] = 1, ["state"] = "draft" });
            for (var n = 1; n <= 5; n++)
            {
                transaction.Create(Lines, new JsonObject { ["order_id"] = order, ["product_id"] = 1, ["name"] = $"read once {n}", ["product_qty"] = 1.0, ["price_unit"] = 2.0 });
            }

            return order;
        });

        var stored = await _ingest.FinishedRunAsync(run => (long)run["id"]! > quiet && Count(run, Lines, "created") > 0, TimeSpan.FromSeconds(60));
        Assert.Equal(1, Count(stored, "purchase.order", "created"));
        Assert.Equal(5, Count(stored, Lines, "created"));
        Assert.Equal(5, Total(stored, Lines));

        // The next run reads the order again (it is inside the overlap), and its lines with it: once each, unchanged.
        var again = await _ingest.FinishedRunAsync(run => (long)run["id"]! > (long)stored["id"]!, TimeSpan.FromSeconds(60));
        Assert.Equal(1, Count(again, "purchase.order", "unchanged"));
        Assert.Equal(5, Count(again, Lines, "unchanged"));
        Assert.Equal(5, Total(again, Lines));
    }

    private static int Count(JsonObject run, string model, string outcome) => (int?)run["counts"]?[model]?[outcome] ?? 0;

    private static int Total(JsonObject run, string model) => (run["counts"]?[model] as JsonObject ?? []).Sum(outcome => (int)outcome.Value!);

    private static int Total(JsonObject run) => (run["counts"] as JsonObject ?? []).Sum(model => Total(run, model.Key));
}
