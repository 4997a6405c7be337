using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.Ingest;

/// <summary>
/// The run log tells the truth about every run (issue 10): a failed run names its cause, a run whose process
/// was killed is closed as abandoned, and the log is paged by keyset and kept bounded.
/// </summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class RunLogTests(RealtimeSystem system) : IAsyncLifetime
{
    private const string Runs = $"/api/ingest/runs?stream={IngestProbe.Stream}";
    private readonly IngestProbe _ingest = new(system);
    private readonly HttpClient _admin = system.ClientFor("run-log-admin", "admin");

    public Task InitializeAsync() => IngestReadiness.UntilAnsweringAsync(_ingest);

    public Task DisposeAsync()
    {
        _admin.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_run_that_fails_outside_odoo_names_its_cause_in_the_run_log_and_the_streams_last_error()
    {
        await using var db = NpgsqlDataSource.Create(system.ConnectionString("ingestdb"));
        // Fault injection: PostgreSQL refuses to save the scan's position, which every stored page does (outside any record's savepoint).
        await ExecuteAsync(db, """
            CREATE OR REPLACE FUNCTION odoo_ingest.test_refuse_scan() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'injected: the scan position cannot be saved'; END $$;
            DROP TRIGGER IF EXISTS test_refuse_scan ON odoo_ingest.sync_state;
            CREATE TRIGGER test_refuse_scan BEFORE UPDATE ON odoo_ingest.sync_state FOR EACH ROW
                WHEN (NEW.scan_after_id IS NOT NULL AND NEW.scan_after_id IS DISTINCT FROM OLD.scan_after_id) EXECUTE FUNCTION odoo_ingest.test_refuse_scan();
            """);
        try
        {
            var orders = _ingest.CreateOrders("F", 1);
            var failed = await _ingest.FinishedRunAsync(run => run["errors"]!.AsArray().Any(error => ((string?)error)!.Contains("injected")), TimeSpan.FromSeconds(60));

            Assert.Equal("failed", (string?)failed["status"]);
            var cause = (string?)failed["errors"]![0];
            Assert.Contains("PostgresException", cause);
            Assert.Contains("injected: the scan position cannot be saved", cause);
            var state = (await _ingest.StreamAsync())["state"]!;
            Assert.Contains((string?)state["status"], new[] { "failed", "running" }); // the next run may have started: it fails the same way
            Assert.Contains("injected: the scan position cannot be saved", (string?)state["last_error"]);
            Assert.False((await _ingest.RowsAsync("purchase.order")).ContainsKey(orders[0]));
        }
        finally
        {
            await ExecuteAsync(db, "DROP TRIGGER IF EXISTS test_refuse_scan ON odoo_ingest.sync_state; DROP FUNCTION IF EXISTS odoo_ingest.test_refuse_scan();");
        }

        var next = await _ingest.RunAndWaitAsync();
        Assert.NotEqual("failed", (string?)next["status"]);
        Assert.DoesNotContain("injected", (string?)(await _ingest.StreamAsync())["state"]!["last_error"] ?? string.Empty);
    }

    [Fact]
    public async Task A_run_whose_process_is_killed_mid_scan_is_closed_as_abandoned_by_the_next_run()
    {
        // Odoo holds the next scan's first page until the test has killed odoo-ingest: the run is caught mid-scan.
        using var release = new ManualResetEventSlim();
        using var held = new ManualResetEventSlim();
        system.Odoo.Service.Breaks = (model, method, _) =>
        {
            if (model == "purchase.order" && method == "search_read" && !release.IsSet)
            {
                held.Set();
                release.Wait(TimeSpan.FromSeconds(60));
            }

            return false;
        };

        long killed;
        try
        {
            await _admin.PostAsync($"/api/ingest/streams/{IngestProbe.Stream}/run", null);
            await Wait.UntilAsync(() => held.IsSet, TimeSpan.FromSeconds(60), "no run asked Odoo for a page");
            var running = (await RunsAsync("&limit=5"))["runs"]!.AsArray().First(run => (string?)run!["status"] == "running")!;
            killed = (long)running["id"]!;

            var crashed = system.ProcessIds("odoo-ingest").Single()!.Value;
            Process.GetProcessById(crashed).Kill(entireProcessTree: true);
            release.Set();
            await Wait.UntilAsync(() => system.ProcessIds("odoo-ingest").Single() is { } pid && pid != crashed, TimeSpan.FromMinutes(1),
                "the AppHost did not restart odoo-ingest within a minute");
            await Readiness.UntilReadyAsync(system, "odoo-ingest", TimeSpan.FromMinutes(1), "the restarted odoo-ingest did not become healthy within a minute");
        }
        finally
        {
            release.Set();
            system.Odoo.Service.Breaks = null;
        }

        JsonNode? abandoned = null;
        await Wait.UntilAsync(async () =>
        {
            abandoned = (await RunsAsync($"&before={killed + 1}&limit=1"))["runs"]!.AsArray().SingleOrDefault();
            return (string?)abandoned?["status"] != "running";
        }, TimeSpan.FromSeconds(60), $"run {killed} is still marked running after odoo-ingest restarted");
        Assert.Equal(killed, (long)abandoned!["id"]!);
        Assert.Equal("abandoned", (string?)abandoned["status"]);
        Assert.NotNull(abandoned["finished_at"]);
        Assert.Contains("abandoned: its runner stopped (killed or crashed)", (string?)abandoned["errors"]![0]);
        var next = await _ingest.RunAndWaitAsync();
        Assert.NotEqual("running", (string?)next["status"]);
        Assert.DoesNotContain((await RunsAsync("&limit=50"))["runs"]!.AsArray(), run => (string?)run!["status"] == "running" && (long)run["id"]! <= killed);
    }

    [Fact]
    public async Task The_run_log_pages_newest_first_by_keyset_with_a_next_cursor_until_the_oldest_run()
    {
        await Wait.UntilAsync(async () => (await RunsAsync("&limit=7"))["runs"]!.AsArray().Count == 7, TimeSpan.FromSeconds(60), "fewer than 7 runs in a minute");
        var seven = (await RunsAsync("&limit=7"))["runs"]!.AsArray().Select(run => (long)run!["id"]!).ToList();

        // Runs go on starting meanwhile: a cursor (not an offset) keeps the pages where they were.
        var paged = new List<long>();
        var before = seven[0] + 1;
        for (var page = 0; page < 3; page++)
        {
            var answer = await RunsAsync($"&limit=2&before={before}");
            var ids = answer["runs"]!.AsArray().Select(run => (long)run!["id"]!).ToList();
            Assert.Equal(2, ids.Count);
            Assert.Equal(ids[^1], (long)answer["next"]!);
            paged.AddRange(ids);
            before = (long)answer["next"]!;
        }

        Assert.Equal(seven.Take(6), paged);
        var oldest = await OldestRunIdsAsync();
        var last = await RunsAsync($"&limit=2&before={oldest[1] + 1}");
        Assert.Equal(oldest.Take(2).Reverse(), last["runs"]!.AsArray().Select(run => (long)run!["id"]!));
        Assert.Null(last["next"]); // exactly a page left: no cursor to an empty page
        var none = await RunsAsync($"&before={oldest[0]}");
        Assert.Empty(none["runs"]!.AsArray());
        Assert.Null(none["next"]);
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=501")]
    [InlineData("limit=abc")]
    [InlineData("before=0")]
    [InlineData("before=-3")]
    [InlineData("before=abc")]
    [InlineData("before=1.5")]
    public async Task Bad_paging_is_a_400_problem(string query)
    {
        using var response = await _admin.GetAsync($"/api/ingest/runs?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_run_log_keeps_the_newest_1000_runs_of_a_stream_and_none_older_than_90_days()
    {
        await using var db = NpgsqlDataSource.Create(system.ConnectionString("ingestdb"));
        // Fault injection: a history past both bounds, written as runs would have (1100 recent ones, then 3 from long ago).
        await ExecuteAsync(db, """
            INSERT INTO odoo_ingest.sync_runs (stream, odoo_database, protocol, started_at, finished_at, status)
            SELECT 'purchase-orders', 'odoo', 'history-test', at, at, 'succeeded'
            FROM generate_series(1, 1103) n, LATERAL (SELECT now() - CASE WHEN n > 1100 THEN interval '400 days' ELSE interval '1 minute' END AS at) t
            ORDER BY n
            """);
        try
        {
            var run = await _ingest.RunAndWaitAsync();

            var finished = await CountAsync(db, "finished_at IS NOT NULL");
            Assert.True(finished <= 1000, $"{finished} finished runs kept");
            Assert.True(finished >= 990, $"only {finished} finished runs kept");
            Assert.Equal(0, await CountAsync(db, "started_at < now() - interval '90 days'"));
            Assert.Equal(0, await CountAsync(db, "id < (SELECT min(id) FROM odoo_ingest.sync_runs WHERE protocol = 'history-test')")); // older than the injected: pruned
            Assert.Equal((long)run["id"]!, (long)(await RunsAsync($"&before={(long)run["id"]! + 1}&limit=1"))["runs"]![0]!["id"]!);
        }
        finally
        {
            await ExecuteAsync(db, "DELETE FROM odoo_ingest.sync_runs WHERE protocol = 'history-test'");
        }
    }

    private async Task<JsonObject> RunsAsync(string query)
    {
        using var response = await _admin.GetAsync(Runs + query);
        Assert.True(response.IsSuccessStatusCode, $"{Runs + query}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private async Task<List<long>> OldestRunIdsAsync()
    {
        await using var db = NpgsqlDataSource.Create(system.ConnectionString("ingestdb"));
        await using var command = db.CreateCommand("SELECT id FROM odoo_ingest.sync_runs WHERE stream = 'purchase-orders' ORDER BY id LIMIT 2");
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    private static async Task<long> CountAsync(NpgsqlDataSource db, string where)
    {
        await using var command = db.CreateCommand($"SELECT count(*) FROM odoo_ingest.sync_runs WHERE stream = 'purchase-orders' AND odoo_database = 'odoo' AND {where}");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
