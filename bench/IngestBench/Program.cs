using System.Diagnostics;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Npgsql;
using RealtimeSync.OdooIngest.Odoo;
using RealtimeSync.OdooIngest.Sync;
using RealtimeSync.OdooSimulator;

// odoo-ingest benchmark (docs/benchmarks.md): a first sync of N purchase orders x M lines from the simulated Odoo,
// against the bare cost of fetching the same pages with the same client and no storage, odoo-ingest's peak memory,
// and the CPU time each process of the system spent during the sync. The data reaches the system's Odoo once the
// system has started, so the sync is measured on its own, not mixed with seven processes starting.
//   dotnet run -c Release --project bench/IngestBench -- [orders=10000] [lines=10] [protocol=xmlrpc|json2]
var orders = args.Length > 0 ? int.Parse(args[0]) : 10_000;
var linesPerOrder = args.Length > 1 ? int.Parse(args[1]) : 10;
var protocol = args.Length > 2 ? args[2] : "xmlrpc";
// warm: both the bare fetch and the sync are measured in processes that have done the same work once before (a running
// system to which a stream is added); cold: the first work of each process, JIT compilation included.
var warm = (args.Length > 3 ? args[3] : "warm") == "warm";
var state = Path.Combine(Path.GetTempPath(), "realtimesync-ingest-bench-" + Guid.NewGuid().ToString("N")[..8]);

// Bare fetch: the same pages (200 orders, then their lines by id) with the same client, nothing stored, from a simulated
// Odoo of its own seeded the same way.
var bareOdoo = await OdooSimulatorServer.StartAsync(new OdooSimulatorOptions());
OdooSeed.PurchaseOrders(bareOdoo.Database, orders, linesPerOrder, DateTimeOffset.UtcNow.AddMinutes(-1));
var transport = new OdooTransport(new HttpClient(), new OdooOptions { Url = bareOdoo.Url.ToString(), Database = "odoo", Login = "admin", Password = "admin", ApiKey = "simulated-api-key" });
IOdooApi api = protocol == "json2" ? new Json2OdooApi(transport) : new XmlRpcOdooApi(transport);
async Task<(int Fetched, TimeSpan Elapsed)> BareFetchAsync()
{
    var timer = Stopwatch.StartNew();
    var count = 0;
    for (var lastId = 0; ;)
    {
        var page = await api.SearchReadAsync("purchase.order", [new JsonArray("id", ">", lastId)], ["name", "partner_id", "date_order", "state", "amount_total", "active", "write_date", "order_line"], 200, "id asc", default);
        if (page.Count == 0)
        {
            break;
        }

        var lineIds = page.SelectMany(order => order!["order_line"]!.AsArray()).Select(id => (int)id!).ToList();
        foreach (var chunk in lineIds.Chunk(500))
        {
            count += (await api.ReadAsync("purchase.order.line", chunk, ["order_id", "product_id", "name", "product_qty", "price_unit", "price_subtotal", "write_date"], default)).Count;
        }

        count += page.Count;
        lastId = (int)page[^1]!["id"]!;
    }

    return (count, timer.Elapsed);
}

if (warm)
{
    var (coldFetched, coldElapsed) = await BareFetchAsync();
    Console.WriteLine($"bare fetch over {protocol}, first pass (cold): {coldFetched} records in {coldElapsed.TotalSeconds:0.00} s ({coldFetched / coldElapsed.TotalSeconds:0} records/s)");
}

var bareCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
var (fetched, bareElapsed) = await BareFetchAsync();
var bareCpu = (Process.GetCurrentProcess().TotalProcessorTime - bareCpuBefore).TotalSeconds; // the simulator and its client are both this process
Console.WriteLine($"bare fetch over {protocol}{(warm ? ", second pass (warm)" : string.Empty)}: {fetched} records in {bareElapsed.TotalSeconds:0.00} s ({fetched / bareElapsed.TotalSeconds:0} records/s), {bareCpu:0.0} CPU-seconds");
await bareOdoo.DisposeAsync();

await using var odoo = await OdooSimulatorServer.StartAsync(new OdooSimulatorOptions());

var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
    [$"--AppHost:StateDirectory={state}", "--AppHost:Durable=false",
     $"--Odoo:Url={odoo.Url}", "--Odoo:Database=odoo", "--Odoo:Login=admin", "--Odoo:Password=admin", "--Odoo:ApiKey=simulated-api-key", $"--Odoo:Protocol={protocol}"],
    (options, _) => options.DisableDashboard = true);

// Services load appsettings.Testing.json (merge-api then accepts the t* collections).
foreach (var project in builder.Resources.OfType<ProjectResource>().ToList())
{
    builder.CreateResourceBuilder(project).WithEnvironment("ASPNETCORE_ENVIRONMENT", "Testing").WithEnvironment("DOTNET_ENVIRONMENT", "Testing");
    if (Environment.GetEnvironmentVariable("BENCH_PERF_MAPS") == "1")
    {
        // For `perf record -a -g` during the sync: the services' compiled code gets names (/tmp/perf-<pid>.map).
        builder.CreateResourceBuilder(project).WithEnvironment("DOTNET_PerfMapEnabled", "1").WithEnvironment("DOTNET_EnableWriteXorExecute", "0");
    }
}

// odoo-ingest's stream keeps the Testing fields (the simulator's 'active' too, as the bare fetch reads) but runs on the
// shipped timings: the tests' sweep every 3 s and reconciliation every 2 s would re-read the data while it is synced.
// BENCH_PG_STATEMENTS=1: PostgreSQL keeps per-statement times (pg_stat_statements), printed at the end.
var pgStatements = Environment.GetEnvironmentVariable("BENCH_PG_STATEMENTS") == "1";
if (pgStatements)
{
    builder.CreateResourceBuilder(builder.Resources.OfType<ExecutableResource>().Single(resource => resource.Name == "postgres"))
        .WithArgs("-c", "shared_preload_libraries=pg_stat_statements", "-c", "pg_stat_statements.track=all");
}

var ingestProject = builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(project => project.Name == "odoo-ingest"));
foreach (var (setting, value) in new[] { ("Interval", "00:00:02"), ("Overlap", "00:10:00"), ("RecentMargin", "00:00:03"), ("OverlapSweepInterval", "00:00:30"), ("ReconcileInterval", "00:05:00") })
{
    ingestProject.WithEnvironment($"Ingest__Streams__purchase-orders__{setting}", value);
}
await using var app = await builder.BuildAsync();
await app.StartAsync();
foreach (var project in builder.Resources.OfType<ProjectResource>())
{
    await app.ResourceNotifications.WaitForResourceHealthyAsync(project.Name);
}

// Every resource's process (services and local servers), to say where the sync's CPU time went.
var processes = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
using var watching = new CancellationTokenSource();
_ = Task.Run(async () =>
{
    await foreach (var update in app.ResourceNotifications.WatchAsync(watching.Token))
    {
        if (update.Resource is ProjectResource or ExecutableResource && update.Snapshot.Properties.FirstOrDefault(property => property.Name == "executable.pid")?.Value is { } pid)
        {
            processes[update.ResourceId] = Convert.ToInt32(pid, System.Globalization.CultureInfo.InvariantCulture);
        }
    }
});
// Healthy services mean their servers run; each replica reports its pid a moment after it starts.
var projects = builder.Resources.OfType<ProjectResource>().Select(project => project.Name).ToList();
for (var waited = Stopwatch.StartNew(); !projects.All(project => processes.Keys.Any(id => id.StartsWith(project, StringComparison.Ordinal))) && waited.Elapsed < TimeSpan.FromSeconds(60);)
{
    await Task.Delay(100);
}

await using var db = NpgsqlDataSource.Create(await app.GetConnectionStringAsync("ingestdb") ?? throw new InvalidOperationException("no ingestdb"));
var deadline = DateTime.UtcNow.AddMinutes(15);

// odoo-ingest reports healthy once it listens; on a busy machine its schema may come a moment later.
await using (var schema = db.CreateCommand("SELECT to_regclass('odoo_ingest.sync_runs') IS NOT NULL"))
{
    while (await schema.ExecuteScalarAsync() is not true)
    {
        await Task.Delay(500);
    }
}

// The stream's first run, over an Odoo still empty; then its state is forgotten, so the next run is a first sync again
// (no watermark), and the data arrives as one Odoo transaction: that run syncs it all.
await using (var firstRun = db.CreateCommand("SELECT count(*) FROM odoo_ingest.sync_runs WHERE stream = 'purchase-orders' AND finished_at IS NOT NULL"))
{
    while (await firstRun.ExecuteScalarAsync() is 0L)
    {
        await Task.Delay(200);
    }
}

double Cpu(int pid) => RealtimeSync.Bench.ProcessCpu.SecondsOfTree(pid);

// Young processes compile their startup code again, optimized, for a minute or so after they start (tiered compilation):
// the sync is measured once the system is quiet.
async Task WaitQuietAsync()
{
    var settling = Stopwatch.StartNew();
    for (var previous = processes.Values.Sum(Cpu); settling.Elapsed < TimeSpan.FromSeconds(180);)
    {
        await Task.Delay(2000);
        var now = processes.Values.Sum(Cpu);
        var busy = now - previous;
        previous = now;
        if (busy < 0.2)
        {
            break;
        }
    }

    Console.WriteLine($"system quiet after {settling.Elapsed.TotalSeconds:0} s (under 0.2 CPU-seconds in 2 s)");
}

async Task<long> ScalarAsync(string sql)
{
    await using var command = db.CreateCommand(sql);
    return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
}

async Task ExecuteAsync(string sql)
{
    await using var command = db.CreateCommand(sql);
    await command.ExecuteNonQueryAsync();
}

using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(await app.GetConnectionStringAsync("redis") ?? throw new InvalidOperationException("no redis"));
async Task<long> OffsetAsync(string topic) => (long?)await redis.GetDatabase().HashGetAsync($"rs:topic:{{{topic}}}", "offset") ?? 0;

await WaitQuietAsync();
var warmOrders = Math.Max(1, orders / 10);
if (warm)
{
    // The same work once, on a tenth of the data, through every service; then that data is gone from Odoo and from
    // odoo-ingest's tables, so the measured sync is a first sync of exactly what the bare fetch read.
    OdooSeed.PurchaseOrders(odoo.Database, warmOrders, linesPerOrder, DateTimeOffset.UtcNow);
    for (var waited = Stopwatch.StartNew(); await OffsetAsync("records/purchase.order.line") < warmOrders * linesPerOrder;)
    {
        if (waited.Elapsed > TimeSpan.FromMinutes(5))
        {
            Console.Error.WriteLine("the warm-up sync did not reach the topic log within 5 minutes");
            return 1;
        }

        await Task.Delay(200);
    }

    Console.WriteLine($"warm-up: {warmOrders} orders x {linesPerOrder} lines synced and in the topic log");
    await WaitQuietAsync();
}

var offsetsBefore = (Orders: await OffsetAsync("records/purchase.order"), Lines: await OffsetAsync("records/purchase.order.line"));
var lastRunBefore = await ScalarAsync("SELECT coalesce(max(id), 0) FROM odoo_ingest.sync_runs");

// Under the stream's own lock, so no run is between reading and writing that state meanwhile.
var streamLock = await StreamLock.TryAcquireAsync(db, "purchase-orders", "odoo", default);
for (var waited = Stopwatch.StartNew(); streamLock is null && waited.Elapsed < TimeSpan.FromSeconds(60); streamLock = await StreamLock.TryAcquireAsync(db, "purchase-orders", "odoo", default))
{
    await Task.Delay(50);
}

if (warm)
{
    var gone = odoo.Database.Begin();
    foreach (var model in new[] { "purchase.order.line", "purchase.order" })
    {
        foreach (var row in odoo.Database.Rows(model))
        {
            gone.Unlink(model, (int)row["id"]!);
        }
    }

    gone.Commit();
    await ExecuteAsync("DELETE FROM odoo_ingest.records WHERE model IN ('purchase.order', 'purchase.order.line')");
}

await ExecuteAsync("DELETE FROM odoo_ingest.sync_state WHERE stream = 'purchase-orders'");

var cpuBefore = processes.ToArray().ToDictionary(process => process.Key, process => Cpu(process.Value));
OdooSeed.PurchaseOrders(odoo.Database, orders, linesPerOrder, DateTimeOffset.UtcNow);
await (streamLock ?? throw new InvalidOperationException("the stream's lock was never free")).DisposeAsync();
Console.WriteLine($"data seeded: {orders} orders x {linesPerOrder} lines; the first sync starts");
var benchBefore = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds; // its own threads only: DCP and the resources are its children

long runId;
while (true)
{
    await using var command = db.CreateCommand("""
        SELECT extract(epoch FROM finished_at - started_at), counts::text, id FROM odoo_ingest.sync_runs
        WHERE stream = 'purchase-orders' AND id > $1 AND finished_at IS NOT NULL AND (counts -> 'purchase.order' ->> 'created')::int > 0 ORDER BY id LIMIT 1
        """);
    command.Parameters.Add(new NpgsqlParameter { Value = lastRunBefore });
    await using var reader = await command.ExecuteReaderAsync();
    if (await reader.ReadAsync())
    {
        var ingest = await app.ResourceNotifications.WaitForResourceAsync("odoo-ingest", update => update.Snapshot.Properties.Any(property => property.Name == "executable.pid"));
        var odooIngestPid = ingest.Snapshot.Properties.Single(property => property.Name == "executable.pid").Value;
        var seconds = (double)reader.GetDecimal(0);
        var peak = File.ReadAllLines($"/proc/{odooIngestPid}/status").First(line => line.StartsWith("VmHWM", StringComparison.Ordinal));
        var cpu = cpuBefore.Select(process => (Name: process.Key, Seconds: Cpu(processes[process.Key]) - process.Value))
            .Append((Name: "benchmark (the simulated Odoo)", Seconds: Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - benchBefore))
            .Where(process => process.Seconds >= 0.05).OrderByDescending(process => process.Seconds).ToList();
        Console.WriteLine($"""
            first sync over {protocol}: {fetched} records in {seconds:0.00} s ({fetched / seconds:0} records/s), {seconds / bareElapsed.TotalSeconds:0.0}x the bare fetch's time ({bareElapsed.TotalSeconds / seconds:P0} of its rate)
              counts: {reader.GetString(1)}
              odoo-ingest peak resident memory: {peak.Split(':')[1].Trim()}
              CPU seconds from the data's arrival to the sync's end: {cpu.Sum(process => process.Seconds):0.0} in all, {string.Join(", ", cpu.Select(process => $"{process.Name} {process.Seconds:0.0}"))}
            """);
        runId = reader.GetInt64(2);
        break;
    }

    if (DateTime.UtcNow > deadline)
    {
        Console.Error.WriteLine("the first sync did not finish within 15 minutes");
        return 1;
    }

    await Task.Delay(500);
}

// A screen sees a change once change-notifier has logged it on its topic: the sync is over for screens when the last
// order and the last line are in the topic log (each collection topic's offset counts its changes).
while (await OffsetAsync("records/purchase.order") < offsetsBefore.Orders + orders || await OffsetAsync("records/purchase.order.line") < offsetsBefore.Lines + orders * linesPerOrder)
{
    if (DateTime.UtcNow > deadline)
    {
        Console.Error.WriteLine("the changes did not all reach the topic log within 15 minutes");
        return 1;
    }

    await Task.Delay(100);
}

await using (var since = db.CreateCommand($"SELECT extract(epoch FROM clock_timestamp() - started_at) FROM odoo_ingest.sync_runs WHERE id = {runId}"))
{
    var logged = (double)(decimal)(await since.ExecuteScalarAsync())!;
    var all = cpuBefore.Sum(process => Cpu(processes[process.Key]) - process.Value) + Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - benchBefore;
    Console.WriteLine($"  every change in the topic log (what screens see) {logged:0.00} s after the run started ({fetched / logged:0} records/s); CPU seconds by then: {all:0.0}");
}

// Where Redis spent its time: the commands run by the topic log's script, with their count and microseconds.
var stats = (string?)await redis.GetDatabase().ExecuteAsync("INFO", "commandstats") ?? string.Empty;
Console.WriteLine("  Redis, by command: " + string.Join(", ", stats.Split('\n').Where(line => line.StartsWith("cmdstat_", StringComparison.Ordinal))
    .Select(line => (Name: line[8..line.IndexOf(':')], Fields: line[(line.IndexOf(':') + 1)..].Trim().Split(',').Select(field => field.Split('=')).ToDictionary(pair => pair[0], pair => pair[1])))
    .OrderByDescending(command => double.Parse(command.Fields["usec"], System.Globalization.CultureInfo.InvariantCulture)).Take(10)
    .Select(command => $"{command.Name} {command.Fields["calls"]} calls {double.Parse(command.Fields["usec"], System.Globalization.CultureInfo.InvariantCulture) / 1e6:0.00} s")));

if (pgStatements)
{
    await using (var create = db.CreateCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")) { await create.ExecuteNonQueryAsync(); }
    await using var top = db.CreateCommand("SELECT round(total_exec_time::numeric / 1000, 2), calls, rows, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 14");
    await using var rows = await top.ExecuteReaderAsync();
    while (await rows.ReadAsync())
    {
        Console.WriteLine($"  pg {rows.GetDecimal(0)} s {rows.GetInt64(1)} calls {rows.GetInt64(2)} rows: {rows.GetString(3)}");
    }
}

await app.StopAsync();
Directory.Delete(state, recursive: true);
return 0;
