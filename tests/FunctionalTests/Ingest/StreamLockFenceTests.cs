using System.Text.Json.Nodes;
using Npgsql;
using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.Ingest;

/// <summary>A runner whose lock is gone (its session killed, its network cut) must not go on writing beside the next runner.</summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class StreamLockFenceTests(RealtimeSystem system)
{
    private readonly IngestProbe _ingest = new(system);

    [Fact]
    public async Task A_run_that_lost_its_stream_lock_stops_without_committing_and_the_next_run_completes_the_work()
    {
        var orders = _ingest.CreateOrders("F", 300);
        var boundary = orders[0] + 100;
        using var reached = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var armed = 1;
        system.Odoo.Service.Breaks = (model, method, parameters) =>
        {
            // Hold the first run that gets past the boundary in the middle of its scan, with a page already committed.
            if (model == "purchase.order" && method == "search_read" && IngestProbe.AfterId(parameters["domain"]) >= boundary && Interlocked.Exchange(ref armed, 0) == 1)
            {
                reached.Set();
                release.Wait(TimeSpan.FromSeconds(60));
            }

            return false;
        };

        try
        {
            Assert.True(await Task.Run(() => reached.Wait(TimeSpan.FromSeconds(60))), "no run reached the middle of its scan");
            await using var dataSource = NpgsqlDataSource.Create(system.ConnectionString("ingestdb"));
            await using (var kill = dataSource.CreateCommand("""
                SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted
                AND ((classid::bigint << 32) | objid::bigint) = (hashtextextended('odoo-ingest:purchase-orders:odoo', 0) & 'xFFFFFFFFFFFFFFFF'::bit(64)::bigint)
                """))
            {
                Assert.Equal(true, await kill.ExecuteScalarAsync()); // the lock's session dies; the runner does not know yet
            }
        }
        finally
        {
            release.Set();
        }

        var cut = await _ingest.FinishedRunAsync(run => ((JsonArray)run["errors"]!).Any(error => ((string?)error)?.Contains("lost its stream lock") == true), TimeSpan.FromSeconds(60));
        Assert.Equal("failed", (string?)cut["status"]);
        system.Odoo.Service.Breaks = null;

        Assert.Contains((string?)(await _ingest.RunAndWaitAsync())["status"], new[] { "succeeded", "partial" });
        await _ingest.AssertOrdersStoredAsync("F", orders);
    }
}
