using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using RealtimeSync.PushLog;
using StackExchange.Redis;

// The topic log's append script measured alone (docs/benchmarks.md): batches of changes, each on its collection's topic
// and its record's, as change-notifier appends them, against a Redis given on the command line (nothing else may use it:
// the script's keys are flushed first). Prints Redis's CPU time per change, which is what the script costs the one thread
// every topic shares.
//   dotnet run -c Release --project bench/TopicLogBench -- <host:port> [batches=2000] [batch=100] [records=0: every change a new record]
var endpoint = args.Length > 0 ? args[0] : throw new ArgumentException("usage: TopicLogBench <host:port> [batches] [batch] [records]");
var batches = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2000;
var batchSize = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100;
var records = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 0;

using var redis = await ConnectionMultiplexer.ConnectAsync($"{endpoint},allowAdmin=true");
var server = redis.GetServer(redis.GetEndPoints()[0]);
await server.FlushDatabaseAsync();
var log = new TopicLog(redis, Options.Create(new TopicLogOptions()));
const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

// A message body of the usual size: a purchase order line's real-time fields, its version and operation.
TopicAppend Change(int n)
{
    var record = records > 0 ? n % records : n;
    var body = JsonSerializer.Serialize(new
    {
        collection = "purchase.order.line",
        recordId = $"{record}",
        version = n + 1,
        operation = "updated",
        changedAt = "2026-12-02T03:00:00Z",
        fields = new
        {
            order_id = new { id = record / 10, display_name = $"P{record / 10:00000}" },
            product_id = new { id = 7, display_name = "Office chair" },
            name = "Office chair, black",
            product_qty = n % 9 + 1,
            price_unit = 129.5,
            price_subtotal = (n % 9 + 1) * 129.5,
        },
    });
    return new TopicAppend(Guid.NewGuid().ToString("N"), ["records/purchase.order.line", $"records/purchase.order.line/{record}"], body, TraceParent);
}

await log.AppendManyAsync(Enumerable.Range(0, batchSize).Select(Change).ToList()); // the script loaded, the connection warm
await server.ExecuteAsync("CONFIG", "RESETSTAT");
var cpuBefore = await RedisCpuAsync();
var clientBefore = Process.GetCurrentProcess().TotalProcessorTime;
var timer = Stopwatch.StartNew();
for (var b = 1; b <= batches; b++)
{
    await log.AppendManyAsync(Enumerable.Range(b * batchSize, batchSize).Select(Change).ToList());
}

var elapsed = timer.Elapsed;
var redisCpu = await RedisCpuAsync() - cpuBefore;
var clientCpu = (Process.GetCurrentProcess().TotalProcessorTime - clientBefore).TotalSeconds;
var changes = (double)batches * batchSize;
Console.WriteLine($"{batches} script calls of {batchSize} changes ({(records > 0 ? $"{records} records, reused" : "each a new record")}): {elapsed.TotalSeconds:0.00} s, {changes / elapsed.TotalSeconds:0} changes/s");
Console.WriteLine($"Redis CPU {redisCpu * 1e6 / changes:0.0} µs per change ({redisCpu:0.00} s), this client {clientCpu * 1e6 / changes:0.0} µs per change");
var stats = (string)(await server.ExecuteAsync("INFO", "commandstats"))!;
Console.WriteLine(string.Join(", ", stats.Split('\n').Where(line => line.StartsWith("cmdstat_", StringComparison.Ordinal))
    .Select(line => line.Trim()["cmdstat_".Length..].Split(':', 2))
    .Select(parts => (Command: parts[0], Fields: parts[1].Split(',').Select(field => field.Split('=')).ToDictionary(pair => pair[0], pair => pair[1])))
    .OrderByDescending(stat => double.Parse(stat.Fields["usec"], CultureInfo.InvariantCulture))
    .Select(stat => $"{stat.Command} {double.Parse(stat.Fields["calls"], CultureInfo.InvariantCulture) / changes:0.##}/change {double.Parse(stat.Fields["usec"], CultureInfo.InvariantCulture) / changes:0.0} µs")));

async Task<double> RedisCpuAsync()
{
    var info = (string)(await server.ExecuteAsync("INFO", "cpu"))!;
    return info.Split('\n').Select(line => line.Trim().Split(':')).Where(pair => pair[0] is "used_cpu_sys" or "used_cpu_user")
        .Sum(pair => double.Parse(pair[1], CultureInfo.InvariantCulture));
}
