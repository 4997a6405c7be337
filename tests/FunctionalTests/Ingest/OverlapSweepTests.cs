using System.Globalization;
using System.Text.Json.Nodes;
using RealtimeSync.FunctionalTests.Infrastructure;
using RealtimeSync.OdooSimulator;

namespace RealtimeSync.FunctionalTests.Ingest;

/// <summary>
/// A run reads in full only what changed since the previous run started (less the recent margin), so its cost
/// follows the changes since the last run, not the overlap; a late commit, whose write_date is older than that,
/// is found by the overlap sweep, which lists ids and write_dates and reads in full only what differs.
/// </summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class OverlapSweepTests(RealtimeSystem system)
{
    private const string Orders = "purchase.order";

    private readonly IngestProbe _ingest = new(system);

    private OdooDatabase Odoo => system.Odoo.Database;

    [Fact]
    public async Task A_late_commit_older_than_the_recent_window_is_stored_by_the_overlap_sweep()
    {
        await AfterFirstSyncAsync();
        var order = Odoo.Run(transaction => transaction.Create(Orders, new JsonObject { ["name"] = "PO-LATE", ["partner_id"] = 1, ["state"] = "draft" }));
        await UntilStoredAsync(order, "draft");

        // A transaction that starts in a later second than the stored version (the sweep compares whole seconds, decision
        // 0014) and commits only once the runs' recent window has passed its write_date.
        var stored = DateTimeOffset.Parse((string)Odoo.Row(Orders, order)!["write_date"]!, CultureInfo.InvariantCulture);
        await Wait.UntilAsync(() => Odoo.Clock.GetUtcNow() >= stored.AddSeconds(1), TimeSpan.FromSeconds(5), "the simulated Odoo's clock stood still");
        var late = Odoo.Begin();
        late.Write(Orders, order, new JsonObject { ["state"] = "committed late" });
        await _ingest.UntilRecentWindowPassesAsync(late.Started);
        var before = await _ingest.LatestRunIdAsync();
        late.Commit();

        await UntilStoredAsync(order, "committed late");
        var run = await _ingest.FinishedRunAsync(run => (long)run["id"]! > before && Count(run, "updated") > 0, TimeSpan.FromSeconds(30));
        Assert.Equal("recent", (string?)run["window_kind"]);
        Assert.True((int?)run["sweep"]?[Orders]?["stale"] >= 1, $"the run that stored the late commit did not find it by its sweep: {run.ToJsonString()}");
    }

    [Fact]
    public async Task A_late_commit_in_the_same_second_as_the_stored_version_is_stored_by_the_sweeps_last_look()
    {
        await AfterFirstSyncAsync();

        // The order and a transaction that writes it both start early in one second: their write_dates are the same whole second.
        await Wait.UntilAsync(() => Odoo.Clock.GetUtcNow().Millisecond < 500, TimeSpan.FromSeconds(2), "the simulated Odoo's clock stood still");
        var order = Odoo.Run(transaction => transaction.Create(Orders, new JsonObject { ["name"] = "PO-SAME-SECOND", ["partner_id"] = 1, ["state"] = "draft" }));
        var late = Odoo.Begin();
        late.Write(Orders, order, new JsonObject { ["state"] = "committed late" });
        Assert.Equal(OdooQuery.SecondPrecision((string)Odoo.Row(Orders, order)!["write_date"]!), OdooQuery.SecondPrecision(late.Started.ToString("O")));
        await UntilStoredAsync(order, "draft");
        await _ingest.UntilRecentWindowPassesAsync(late.Started);
        var before = await _ingest.LatestRunIdAsync();
        late.Commit();

        // Its write_date compares equal, so only the last look as it leaves the overlap (30 s here) reads it.
        await UntilStoredAsync(order, "committed late");
        var run = await _ingest.FinishedRunAsync(run => (long)run["id"]! > before && Count(run, "updated") > 0, TimeSpan.FromSeconds(30));
        Assert.True((int?)run["sweep"]?[Orders]?["leaving"] >= 1, $"the run that stored the late commit did not read it as leaving the overlap: {run.ToJsonString()}");
    }

    [Fact]
    public async Task A_run_after_many_older_changes_reads_in_full_only_what_changed_since_the_last_run()
    {
        await AfterFirstSyncAsync();
        var older = _ingest.CreateOrders("OLDER", 300); // one transaction: 300 orders, well within the overlap (30 s here)
        await Wait.UntilAsync(async () => older.All((await _ingest.RowsAsync(Orders)).ContainsKey), TimeSpan.FromSeconds(60), "the 300 orders were never stored");
        await _ingest.UntilRecentWindowPassesAsync(DateTimeOffset.Parse((string)Odoo.Row(Orders, older[0])!["write_date"]!, CultureInfo.InvariantCulture));
        var before = await _ingest.LatestRunIdAsync();

        var fresh = Odoo.Run(transaction => transaction.Create(Orders, new JsonObject { ["name"] = "PO-FRESH", ["partner_id"] = 1, ["state"] = "draft" }));
        var stored = await _ingest.FinishedRunAsync(run => (long)run["id"]! > before && Count(run, "created") == 1, TimeSpan.FromSeconds(60));
        var swept = await _ingest.FinishedRunAsync(run => (long)run["id"]! > before && run["sweep"] is JsonObject, TimeSpan.FromSeconds(30));

        // Every run since reads in full the fresh order at most: none of the 300 older ones, though they are inside the overlap
        // (records of earlier tests leaving the overlap get their last look meanwhile: those are not counted).
        var runs = (await _ingest.RunsAsync(100)).Where(run => (long)run["id"]! > before && run["finished_at"] is not null).ToList();
        Assert.Contains(runs, run => (long)run["id"]! == (long)stored["id"]!);
        Assert.All(runs, run => Assert.True(Total(run) - Leaving(run) <= 1, $"run {run["id"]} read {Total(run)} orders in full: {run.ToJsonString()}"));

        // The sweep listed them all (ids and write_dates) and read none of them in full: they had not changed.
        Assert.True((int)swept["sweep"]![Orders]!["listed"]! >= 300, $"the sweep listed {swept["sweep"]?.ToJsonString()}");
        Assert.True((int)swept["sweep"]![Orders]!["stale"]! <= 1, $"the sweep re-read {swept["sweep"]?.ToJsonString()}");
        Assert.True((await _ingest.RowsAsync(Orders)).ContainsKey(fresh));
    }

    /// <summary>Once the first sync is done, runs read the recent window: what these tests are about.</summary>
    private async Task AfterFirstSyncAsync()
    {
        await IngestReadiness.UntilAnsweringAsync(_ingest);
        await _ingest.FinishedRunAsync(run => (string?)run["status"] == "succeeded", TimeSpan.FromSeconds(120));
    }

    private async Task UntilStoredAsync(int order, string state) =>
        await Wait.UntilAsync(async () => (await _ingest.RowsAsync(Orders)).TryGetValue(order, out var row) && (string?)row.Data["state"] == state,
            TimeSpan.FromSeconds(60), $"order {order} was never stored with state '{state}'");

    private static int Count(JsonObject run, string outcome) => (int?)run["counts"]?[Orders]?[outcome] ?? 0;

    /// <summary>The orders a run read in full (created, updated or unchanged).</summary>
    private static int Total(JsonObject run) => Count(run, "created") + Count(run, "updated") + Count(run, "unchanged");

    /// <summary>The orders a run's sweep read in full as they left the overlap.</summary>
    private static int Leaving(JsonObject run) => (int?)run["sweep"]?[Orders]?["leaving"] ?? 0;
}
