using System.Text.Json.Nodes;
using RealtimeSync.OdooSimulator;

// ./run's demo source when no Odoo is configured: a SIMULATED Odoo (not a real one) with a few purchase
// orders, and a writer that edits one every few seconds so the whole path can be watched live.
var options = new OdooSimulatorOptions(
    Environment.GetEnvironmentVariable("ODOO_SIMULATOR_DATABASE") ?? "demo",
    "admin",
    Environment.GetEnvironmentVariable("ODOO_SIMULATOR_PASSWORD") ?? "admin",
    Environment.GetEnvironmentVariable("ODOO_SIMULATOR_API_KEY") ?? "demo-api-key");
var port = Uri.TryCreate(Environment.GetEnvironmentVariable("ASPNETCORE_URLS"), UriKind.Absolute, out var url) ? url.Port : 8069;
await using var server = await OdooSimulatorServer.StartAsync(options, port);
OdooSeed.PurchaseOrders(server.Database, orders: 20, linesPerOrder: 3, DateTimeOffset.UtcNow.AddMinutes(-30));
Console.WriteLine($"DEMO: simulated Odoo 19 (not a real Odoo) at {server.Url}, database '{options.Database}', 20 purchase orders");

// The host's console lifetime turns SIGTERM and Ctrl+C into Stopping; the demo writer ends with it.
var stop = server.Stopping;
var states = new[] { "draft", "sent", "to approve", "purchase" };
using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5));
try
{
    for (var tick = 0; await timer.WaitForNextTickAsync(stop); tick++)
    {
        var orderId = tick % 20 + 1;
        server.Database.Run(transaction =>
        {
            transaction.Write("purchase.order", orderId, new JsonObject { ["state"] = states[tick % states.Length], ["amount_total"] = 30.0 + tick });
            return true;
        });
    }
}
catch (OperationCanceledException)
{
}
