using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using RealtimeSync.Bench;

// Push delivery benchmark (docs/benchmarks.md): starts the whole system from the AppHost model on the real
// servers, connects N WebSocket subscribers through the gateway (spread over both push-gateway instances),
// then measures, per delivered message, the time from merge-api's commit to the subscriber's receipt.
//   dotnet run -c Release --project bench/PushBench -- [subscribers=1000] [paced=200] [burst=1000]
var subscribers = args.Length > 0 ? int.Parse(args[0]) : 1000;
var pacedChanges = args.Length > 1 ? int.Parse(args[1]) : 200;
var burstChanges = args.Length > 2 ? int.Parse(args[2]) : 1000;

Console.WriteLine("starting the system...");
await using var system = await RealtimeSyncApp.StartAsync(default);
var gateway = system.Gateway;

Console.WriteLine($"connecting {subscribers} subscribers...");
var connect = Stopwatch.StartNew();
var clients = new List<Subscriber>();
foreach (var batch in Enumerable.Range(0, subscribers).Chunk(50))
{
    clients.AddRange(await Task.WhenAll(batch.Select(index => Subscriber.ConnectAsync(gateway, system.Token($"bench-viewer-{index}", "viewer"), "records/tbench"))));
}

Console.WriteLine($"connected in {connect.Elapsed.TotalSeconds:0.0} s: {string.Join(", ", clients.GroupBy(client => client.Instance).Select(group => $"{group.Key} {group.Count()}"))}");

var writers = Enumerable.Range(0, 8).Select(index =>
{
    var client = new HttpClient { BaseAddress = gateway };
    client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", system.Token($"bench-editor-{index}", "editor"));
    return client;
}).ToList();

await RunAsync("warm-up (not a measurement: JIT, pools, caches)", 100, parallel: 4, pause: TimeSpan.Zero);
await RunAsync("paced (one writer, 50 ms between changes)", pacedChanges, parallel: 1, pause: TimeSpan.FromMilliseconds(50));
await RunAsync("burst (8 concurrent writers, as fast as they go)", burstChanges, parallel: 8, pause: TimeSpan.Zero);

foreach (var client in clients)
{
    await client.DisposeAsync();
}

return 0;

async Task RunAsync(string name, int changes, int parallel, TimeSpan pause)
{
    clients.ForEach(client => client.Reset());
    var expected = (long)changes * clients.Count;
    var clock = Stopwatch.StartNew();
    var batch = Guid.NewGuid().ToString("N")[..6];
    await Parallel.ForEachAsync(Enumerable.Range(0, changes), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (n, cancellationToken) =>
    {
        var response = await writers[n % writers.Count].PutAsJsonAsync($"/api/records/tbench/r{n % 100}", new { n, batch }, cancellationToken);
        response.EnsureSuccessStatusCode();
        if (pause > TimeSpan.Zero)
        {
            await Task.Delay(pause, cancellationToken);
        }
    });
    var written = clock.Elapsed;
    var deadline = DateTime.UtcNow.AddMinutes(5);
    while (clients.Sum(client => client.Received) < expected && DateTime.UtcNow < deadline)
    {
        await Task.Delay(50);
    }

    var elapsed = clock.Elapsed;
    var latencies = clients.SelectMany(client => client.Latencies).Order().ToArray();
    var received = clients.Sum(client => client.Received);
    Console.WriteLine($"""

        {name}: {changes} changes x {clients.Count} subscribers
          delivered      {received} of {expected} ({clients.Count(client => client.Received == changes)} subscribers got all, {clients.Sum(client => client.OutOfOrder)} out of order)
          writes took    {written.TotalSeconds:0.00} s ({changes / written.TotalSeconds:0} changes/s)
          all delivered  {elapsed.TotalSeconds:0.00} s after the first write ({received / elapsed.TotalSeconds:0} deliveries/s)
          commit -> receipt latency: p50 {Percentile(latencies, 0.50):0.0} ms, p90 {Percentile(latencies, 0.90):0.0} ms, p99 {Percentile(latencies, 0.99):0.0} ms, max {latencies.LastOrDefault():0.0} ms
        """);
}

static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
