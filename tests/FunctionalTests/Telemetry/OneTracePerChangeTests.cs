using System.Text.Json.Nodes;
using RealtimeSync.Contracts;
using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.Telemetry;

/// <summary>One change is one trace: from the gateway through merge-api, the outbox, RabbitMQ and change-notifier to each push-gateway that delivers it.</summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class OneTracePerChangeTests(RealtimeSystem system)
{
    [Fact]
    public async Task A_write_through_the_gateway_is_one_trace_down_to_its_delivery()
    {
        var collection = Topics.UniqueCollection();
        var path = $"/api/records/{collection}/traced";
        await using var client = await system.ConnectAsync("viewer-trace", "viewer");
        await client.SubscribeAsync($"records/{collection}");

        await Writers.PutAsync(system.Gateway, collection, "traced", new { note = "one trace" });
        await client.NextMessageAsync(TimeSpan.FromSeconds(20));

        // Each service's span for this change, found by what it is about rather than by its trace, so the trace ids can be compared.
        Dictionary<string, CollectedSpan> found = [];
        await Wait.UntilAsync(() =>
        {
            found = ChangeSpans(system.Telemetry.Spans, collection, path);
            return found.Count == 4;
        }, TimeSpan.FromSeconds(60), () => $"spans of the change from every service; found {string.Join(", ", found.Keys)}");

        var trace = found["gateway"].TraceId;
        Assert.All(found, pair => Assert.True(pair.Value.TraceId == trace, $"{pair.Key}'s span {pair.Value.Name} is in trace {pair.Value.TraceId}, not {trace}"));
        Assert.Contains(system.Telemetry.Spans, span => span.TraceId == trace && span.Name == "outbox publish" && span.Service == "merge-api");
    }

    [Fact]
    public async Task An_odoo_synced_record_continues_its_sync_runs_trace_down_to_its_delivery()
    {
        var order = system.Odoo.Database.Run(transaction => transaction.Create("purchase.order", new JsonObject { ["name"] = "PO-TRACED", ["partner_id"] = 1, ["state"] = "draft", ["amount_total"] = 1.0 }));
        await using var screen = await system.ConnectAsync("buyer-trace", "viewer");
        await screen.SubscribeAsync($"records/purchase.order/{order}");
        await screen.NextMessageAsync(TimeSpan.FromSeconds(30)); // the scheduler's next run stores it

        CollectedSpan? notified = null;
        CollectedSpan? delivered = null;
        await Wait.UntilAsync(() =>
        {
            var spans = system.Telemetry.Spans;
            notified = spans.FirstOrDefault(span => span.Service == "change-notifier"
                && span.Attributes.GetValueOrDefault(ChangeTags.Collection) == "purchase.order"
                && span.Attributes.GetValueOrDefault(ChangeTags.RecordId) == $"{order}");
            delivered = spans.FirstOrDefault(span => span.Name == $"deliver records/purchase.order/{order}");
            // The run's own span is exported when the run ends, after its changes went out: wait for it too.
            return notified is not null && delivered is not null
                && spans.Any(span => span.TraceId == notified.TraceId && span.Service == "odoo-ingest" && span.Name == "sync run purchase-orders");
        }, TimeSpan.FromSeconds(60), "change-notifier's and push-gateway's spans of the synced order, in a trace with its sync run");

        var run = system.Telemetry.Spans.Where(span => span.TraceId == notified!.TraceId).ToList();
        Assert.Contains(run, span => span.Service == "odoo-ingest" && span.Name == "sync run purchase-orders");
        Assert.Contains(run, span => span.Service == "odoo-ingest" && span.Name == "outbox publish");
        Assert.Equal(notified!.TraceId, delivered!.TraceId);
    }

    private static Dictionary<string, CollectedSpan> ChangeSpans(IReadOnlyList<CollectedSpan> spans, string collection, string path)
    {
        var found = new Dictionary<string, CollectedSpan>();
        foreach (var span in spans)
        {
            var service = span.Service.StartsWith("push-gateway", StringComparison.Ordinal) ? "push-gateway" : span.Service;
            var isThisChange = service switch
            {
                "gateway" or "merge-api" => span.Attributes.GetValueOrDefault("url.path") == path, // the server span of the PUT
                "change-notifier" => span.Attributes.GetValueOrDefault(ChangeTags.Collection) == collection,
                "push-gateway" => span.Name == $"deliver records/{collection}",
                _ => false,
            };
            if (isThisChange)
            {
                found.TryAdd(service, span);
            }
        }

        return found;
    }
}
