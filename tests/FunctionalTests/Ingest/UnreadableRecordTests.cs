using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.Ingest;

/// <summary>
/// A record Odoo refuses to read (a computed field that raises, a rule that denies it) fails alone; the rest
/// of its page is stored. On both protocols: over XML-RPC the isolation once threw on its second request.
/// </summary>
public abstract class UnreadableRecordTests(RealtimeSystem system, string protocol)
{
    private readonly IngestProbe _ingest = new(system);

    [Fact]
    public async Task An_unreadable_order_or_line_fails_only_its_own_order_which_is_retried_until_it_reads()
    {
        // After the first sync, so that runs also read lines edited on their own (a first sync reads whole orders only).
        await IngestReadiness.UntilAnsweringAsync(_ingest);
        await _ingest.FinishedRunAsync(run => (string?)run["status"] == "succeeded", TimeSpan.FromSeconds(120));
        var orders = _ingest.CreateOrders("U", 40);
        var (unreadable, withUnreadableLine) = (orders[10], orders[20]);
        var line = system.Odoo.Database.Run(transaction => transaction.Create("purchase.order.line", new JsonObject
        {
            ["order_id"] = withUnreadableLine,
            ["product_id"] = 1,
            ["name"] = "a line Odoo cannot read",
            ["product_qty"] = 1.0,
            ["price_unit"] = 1.0,
        }));
        var refusing = true;
        var lineRefusedAt = new ConcurrentQueue<DateTimeOffset>(); // every read of the line that ends with Odoo refusing it alone
        system.Odoo.Service.Breaks = (model, method, parameters) => Volatile.Read(ref refusing) && NoteLineRead(model, method, parameters) && (model, method) switch
        {
            ("purchase.order", "search_read") => true, // every page fails as a whole, as one holding the bad order would
            ("purchase.order.line", "search_read") => true, // and so does every page of lines edited on their own
            ("purchase.order", "read") => Ids(parameters).Contains(unreadable),
            ("purchase.order.line", "read") => Ids(parameters).Contains(line),
            _ => false,
        };

        bool NoteLineRead(string model, string method, JsonObject parameters)
        {
            // A read of the record itself: the overlap sweep's listing of write_dates is not one.
            if ((model, method) == ("purchase.order.line", "read") && Ids(parameters) is [var only] && only == line && !ListsWriteDatesOnly(parameters))
            {
                lineRefusedAt.Enqueue(DateTimeOffset.UtcNow);
            }

            return true;
        }

        try
        {
            var run = await _ingest.FinishedRunAsync(run => ((JsonArray)run["errors"]!).Any(error => ((string?)error)!.Contains($"purchase.order {withUnreadableLine}: ")), TimeSpan.FromSeconds(60));
            Assert.Equal("partial", (string?)run["status"]);
            Assert.Equal(protocol, (string?)run["protocol"]);
            Assert.Contains(run["errors"]!.AsArray(), error => ((string?)error)!.Contains($"purchase.order {unreadable}: ") && ((string?)error)!.Contains("simulated server error"));
            Assert.Contains(run["errors"]!.AsArray(), error => ((string?)error)!.Contains($"its purchase.order.line {line} could not be read"));
            // Read once a run, whichever pass reads it first (its order's page, or the pass for lone line edits when a
            // run saw the line before its order): Odoo is asked for it once, and the other pass takes the refusal.
            var (started, finished) = ((DateTimeOffset)run["started_at"]!, (DateTimeOffset)run["finished_at"]!);
            Assert.Equal(1, lineRefusedAt.Count(at => at >= started && at <= finished));
            var rows = await _ingest.RowsAsync("purchase.order");
            Assert.All(orders.Except([unreadable, withUnreadableLine]), id => Assert.True(rows.ContainsKey(id)));
            Assert.False(rows.ContainsKey(unreadable));
            Assert.False(rows.ContainsKey(withUnreadableLine));
            Assert.Equal(1, await _ingest.FailureCountAsync(unreadable));
            Assert.Equal(1, await _ingest.FailureCountAsync(withUnreadableLine));
        }
        finally
        {
            Volatile.Write(ref refusing, false);
        }

        await _ingest.RunAndWaitAsync();
        system.Odoo.Service.Breaks = null;

        await _ingest.AssertOrdersStoredAsync("U", orders);
        Assert.Equal(0, await _ingest.FailureCountAsync(unreadable));
        Assert.Equal(0, await _ingest.FailureCountAsync(withUnreadableLine));
        Assert.Equal(withUnreadableLine, (int)(await _ingest.RowsAsync("purchase.order.line"))[line].Data["order_id"]![0]!);
    }

    private static bool ListsWriteDatesOnly(JsonObject parameters) => parameters["fields"] is JsonArray { Count: 1 } fields && (string?)fields[0] == "write_date";

    private static List<int> Ids(JsonObject parameters) => parameters["ids"] is JsonArray ids ? ids.Select(id => (int)id!).ToList() : [];
}

[Collection(RealtimeSystemCollection.Name)]
public sealed class UnreadableRecordOverJson2Tests(RealtimeSystem system) : UnreadableRecordTests(system, "json2");

[Collection(XmlRpcOdooCollection.Name)]
public sealed class UnreadableRecordOverXmlRpcTests(XmlRpcOdooSystem system) : UnreadableRecordTests(system, "xmlrpc");
