using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using RealtimeSync.OdooSimulator;
using RealtimeSync.ServiceDefaults.Auth;

// Odoo-to-screen freshness (docs/benchmarks.md): odoo-ingest with its shipped settings (not Testing's), a writer
// editing random purchase orders in the simulated Odoo at a steady rate, and one WebSocket subscriber on
// records/purchase.order through the gateway; each edit's latency is from its commit in Odoo to its arrival.
//   dotnet run -c Release --project bench/FreshnessBench -- [editsPerSecond=50] [seconds=120] [orders=2000] [protocol=json2]
var rate = args.Length > 0 ? int.Parse(args[0]) : 50;
var seconds = args.Length > 1 ? int.Parse(args[1]) : 120;
var orders = args.Length > 2 ? int.Parse(args[2]) : 2000;
var protocol = args.Length > 3 ? args[3] : "json2";
var state = Path.Combine(Path.GetTempPath(), "realtimesync-freshness-bench-" + Guid.NewGuid().ToString("N")[..8]);

await using var odoo = await OdooSimulatorServer.StartAsync(new OdooSimulatorOptions());
OdooSeed.PurchaseOrders(odoo.Database, orders, 3, DateTimeOffset.UtcNow.AddMinutes(-1));
var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
    [$"--AppHost:StateDirectory={state}", "--AppHost:Durable=false",
     $"--Odoo:Url={odoo.Url}", "--Odoo:Database=odoo", "--Odoo:Login=admin", "--Odoo:Password=admin", "--Odoo:ApiKey=simulated-api-key", $"--Odoo:Protocol={protocol}"],
    (options, _) => options.DisableDashboard = true);
var key = await builder.Resources.OfType<ParameterResource>().Single(parameter => parameter.Name == "jwt-signing-key").GetValueAsync(default) ?? string.Empty;
await using var app = await builder.BuildAsync();
await app.StartAsync();
await app.ResourceNotifications.WaitForResourceHealthyAsync("gateway");

// The first sync takes every seeded order; edits start once it has reached the screen (the last order arrives).
var sent = new ConcurrentDictionary<string, long>(); // edit name → commit timestamp
var latencies = new ConcurrentBag<double>();
using var socket = new ClientWebSocket();
var gateway = app.GetEndpoint("gateway", "http");
await socket.ConnectAsync(new UriBuilder(gateway) { Scheme = "ws", Path = "/ws", Query = "access_token=" + DevTokens.Create(key, "freshness-viewer", ["viewer"]) }.Uri, default);
await socket.SendAsync(Encoding.UTF8.GetBytes("""{"type":"subscribe","topics":["records/purchase.order"]}"""), WebSocketMessageType.Text, true, default);
var receiving = Task.Run(async () =>
{
    var buffer = new byte[1 << 20];
    while (socket.State == WebSocketState.Open)
    {
        var text = new StringBuilder();
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, default);
            text.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
        }
        while (!result.EndOfMessage);
        if (result.MessageType == WebSocketMessageType.Close)
        {
            return;
        }

        if (JsonNode.Parse(text.ToString())?["payload"]?["fields"]?["name"]?.GetValue<string>() is { } name && sent.TryRemove(name, out var at))
        {
            latencies.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
        }
    }
});

var ids = odoo.Database.Rows("purchase.order").Select(row => (int)row["id"]!).ToArray();
Console.WriteLine($"{ids.Length} orders seeded; waiting 30 s for the first sync to settle");
await Task.Delay(TimeSpan.FromSeconds(30));

var edits = 0;
var clock = Stopwatch.StartNew();
var interval = TimeSpan.FromSeconds(1.0 / rate);
while (clock.Elapsed < TimeSpan.FromSeconds(seconds))
{
    var name = $"edit-{edits++}";
    var id = ids[Random.Shared.Next(ids.Length)];
    odoo.Database.Run(transaction =>
    {
        transaction.Write("purchase.order", id, new JsonObject { ["name"] = name });
        return true;
    });
    sent[name] = Stopwatch.GetTimestamp();
    var next = interval * edits - clock.Elapsed;
    if (next > TimeSpan.Zero)
    {
        await Task.Delay(next);
    }
}

await Task.Delay(TimeSpan.FromSeconds(30)); // the last edits' runs
var measured = latencies.Order().ToArray();
double Percentile(double p) => measured.Length == 0 ? double.NaN : measured[Math.Min(measured.Length - 1, (int)(p * measured.Length))];
Console.WriteLine($"""
    freshness over {protocol}, {rate} edits/s for {seconds} s on {orders} orders: {edits} edits, {measured.Length} seen on the screen
      (an edit overwritten by a later one before a run read it is not seen on its own: {sent.Count} unseen)
      Odoo commit to screen: p50 {Percentile(0.50):0} ms, p90 {Percentile(0.90):0} ms, p99 {Percentile(0.99):0} ms, max {(measured.Length == 0 ? 0 : measured[^1]):0} ms
    """);
await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", default);
await app.StopAsync();
Directory.Delete(state, recursive: true);
