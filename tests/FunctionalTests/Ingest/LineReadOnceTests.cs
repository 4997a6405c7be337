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
        var (order, lines) = system.Odoo.Database.Run(transaction =>
        {
            var order = transaction.Create("purchase.order", new JsonObject { ["name"] = "PO-READ-ONCE", ["partner_id"] = 1, ["state"] = "draft" });
            var lines = Enumerable.Range(1, 5).Select(n => transaction.Create(Lines, new JsonObject
            {
                ["order_id"] = order,
                ["product_id"] = 1,
                ["name"] = $"read once {n}",
                ["product_qty"] = 1.0,
                ["price_unit"] = 2.0,
            })).ToList();
            return (order, lines);
        });

        var stored = await _ingest.FinishedRunAsync(run => (long)run["id"]! > quiet && Count(run, Lines, "created") > 0, TimeSpan.FromSeconds(60));
        Assert.Equal(1, Count(stored, "purchase.order", "created"));
        Assert.Equal(5, Count(stored, Lines, "created"));
        Assert.Equal(5, Total(stored, Lines) - Leaving(stored, Lines));

        // The order edited again with its lines (written, unchanged) in one transaction: the run reads the order and its
        // lines with it, and the pass for lone line edits, whose window holds the lines too, reads none of them again.
        system.Odoo.Database.Run(transaction =>
        {
            // Not its name: a line shows its order's name (order_id's display name), so the lines would change too.
            transaction.Write("purchase.order", order, new JsonObject { ["state"] = "sent" });
            lines.ForEach(line => transaction.Write(Lines, line, []));
            return true;
        });
        var again = await _ingest.FinishedRunAsync(run => (long)run["id"]! > (long)stored["id"]! && Count(run, "purchase.order", "updated") > 0, TimeSpan.FromSeconds(60));
        Assert.Equal(1, Count(again, "purchase.order", "updated"));
        Assert.Equal(5, Count(again, Lines, "unchanged") - Leaving(again, Lines));
        Assert.Equal(5, Total(again, Lines) - Leaving(again, Lines));
    }

    private static int Count(JsonObject run, string model, string outcome) => (int?)run["counts"]?[model]?[outcome] ?? 0;

    private static int Total(JsonObject run, string model) => (run["counts"]?[model] as JsonObject ?? []).Sum(outcome => (int)outcome.Value!);

    private static int Total(JsonObject run) => (run["counts"] as JsonObject ?? []).Sum(model => Total(run, model.Key));

    /// <summary>Records of earlier tests that a run's sweep read (unchanged) as they left the overlap: not this test's.</summary>
    private static int Leaving(JsonObject run, string model) => (int?)run["sweep"]?[model]?["leaving"] ?? 0;
}
