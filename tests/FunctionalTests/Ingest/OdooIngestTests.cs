using System.Text.Json.Nodes;
using Npgsql;
using RealtimeSync.FunctionalTests.Infrastructure;
using RealtimeSync.OdooSimulator;

namespace RealtimeSync.FunctionalTests.Ingest;

/// <summary>odoo-ingest against the simulated Odoo (JSON-2 here), the real PostgreSQL and RabbitMQ, through the gateway.</summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class OdooIngestTests(RealtimeSystem system)
{
    private readonly IngestProbe _ingest = new(system);

    private OdooDatabase Odoo => system.Odoo.Database;

    [Fact]
    public async Task An_odoo_edit_reaches_a_websocket_subscriber_through_the_gateway()
    {
        var order = Odoo.Run(transaction => transaction.Create("purchase.order", new JsonObject { ["name"] = "PO-LIVE", ["partner_id"] = 1, ["state"] = "draft", ["amount_total"] = 10.0 }));
        await _ingest.RunAndWaitAsync();
        await Writers.WaitForOffsetAsync(system, $"records/purchase.order/{order}", 1);
        await using var screen = await system.ConnectAsync("buyer-1", "viewer");
        await screen.SubscribeAsync($"records/purchase.order/{order}");

        Odoo.Run(transaction =>
        {
            transaction.Write("purchase.order", order, new JsonObject { ["state"] = "purchase", ["partner_id"] = 2 });
            return true;
        });

        var message = await screen.NextMessageAsync(TimeSpan.FromSeconds(30)); // one poll interval (1 s here) plus milliseconds
        Assert.Equal("record.updated", (string?)message["type"]);
        Assert.Equal("purchase", (string?)message["payload"]!["fields"]!["state"]);
        Assert.Equal("Vendor 2", (string?)message["payload"]!["fields"]!["partner_id"]!["display_name"]);
        Assert.Equal(2, (int)message["payload"]!["fields"]!["partner_id"]!["id"]!);
    }

    [Fact]
    public async Task A_writer_running_during_the_sync_loses_nothing_and_duplicates_nothing_even_late_commits_and_shared_write_dates()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(12));
        var created = new List<int>();
        var writing = Task.Run(async () =>
        {
            for (var round = 0; !stop.IsCancellationRequested; round++)
            {
                // 250 orders in one transaction: one write_date for more rows than a page holds.
                Odoo.Run(transaction =>
                {
                    for (var n = 0; n < 250; n++)
                    {
                        lock (created)
                        {
                            created.Add(transaction.Create("purchase.order", new JsonObject { ["name"] = $"W{round}-{n}", ["partner_id"] = 1, ["state"] = "draft", ["amount_total"] = n }));
                        }
                    }

                    return true;
                });

                // A transaction that starts now and commits after several sync runs: its write_date is older than what they saw.
                var late = Odoo.Begin();
                int[] touched;
                lock (created)
                {
                    touched = created.Take(5).ToArray();
                }

                foreach (var id in touched)
                {
                    late.Write("purchase.order", id, new JsonObject { ["state"] = $"late-{round}" });
                }

                await Task.Delay(2500);
                late.Commit();
            }
        });
        await writing;

        // A late commit older than the runs' recent window is the overlap sweep's: stored within its interval (3 s here) and a run.
        var odooOrders = Odoo.Rows("purchase.order").ToDictionary(row => (int)row["id"]!);
        var synced = await _ingest.RowsAsync("purchase.order");
        var behind = new List<string>();
        await Wait.UntilAsync(async () =>
        {
            synced = await _ingest.RowsAsync("purchase.order");
            behind = odooOrders.Where(pair => !synced.TryGetValue(pair.Key, out var row) || (string?)row.Data["state"] != (string?)pair.Value["state"])
                .Select(pair => $"{pair.Key} ({pair.Value["state"]} written {pair.Value["write_date"]})").ToList();
            return behind.Count == 0;
        }, TimeSpan.FromSeconds(60), () => $"the synced orders never caught up with Odoo's: {string.Join(", ", behind.Take(10))}");
        Assert.True(created.Count >= 1000, $"the writer wrote {created.Count} orders");
        Assert.All(odooOrders.Keys, id => Assert.True(synced.ContainsKey(id), $"order {id} is missing"));
        Assert.All(odooOrders, pair =>
        {
            Assert.Equal((string?)pair.Value["state"], (string?)synced[pair.Key].Data["state"]);
            Assert.Equal((string?)pair.Value["name"], (string?)synced[pair.Key].Data["name"]);
        });
        Assert.Equal(odooOrders.Count, synced.Count(row => row.Value.Archived is null));
    }

    [Fact]
    public async Task Two_runners_never_overlap_and_a_killed_runners_lock_frees_itself()
    {
        await using var dataSource = NpgsqlDataSource.Create(system.ConnectionString("ingestdb"));
        await using var holder = await dataSource.OpenConnectionAsync(); // plays a runner that holds the stream
        await using (var take = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended('odoo-ingest:purchase-orders:odoo', 0))", holder))
        {
            // Wait until the scheduler's own runner is between runs, then take the lock as a second runner would.
            await Wait.UntilAsync(async () => await take.ExecuteScalarAsync() is true, TimeSpan.FromSeconds(30), "could not take the stream lock");
        }

        // Three intervals, each asked for at once too: the scheduler tries and finds the stream held, so no run starts.
        var runsBefore = await RunCountAsync(dataSource);
        await Wait.HoldsAsync(
            async () =>
            {
                await _ingest.RequestRunAsync();
                return await RunCountAsync(dataSource) == runsBefore;
            },
            TimeSpan.FromSeconds(3),
            "a run started while another runner held the stream");
        Assert.True((bool)(await _ingest.StreamAsync())["running"]!);

        // The holder dies (its backend killed, as when its process is): PostgreSQL frees the lock with the session.
        await using (var kill = dataSource.CreateCommand("SELECT pg_terminate_backend($1)"))
        {
            kill.Parameters.Add(new NpgsqlParameter { Value = holder.ProcessID });
            await kill.ExecuteNonQueryAsync();
        }

        var run = await _ingest.RunAndWaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains((string?)run["status"], new[] { "succeeded", "partial" });
    }

    [Fact]
    public async Task A_deleted_order_and_its_lines_are_archived_and_archiving_in_odoo_is_an_update()
    {
        var (order, archivedInOdoo) = Odoo.Run(transaction =>
        {
            var id = transaction.Create("purchase.order", new JsonObject { ["name"] = "PO-DOOMED", ["partner_id"] = 1, ["state"] = "draft" });
            transaction.Create("purchase.order.line", new JsonObject { ["order_id"] = id, ["product_id"] = 1, ["name"] = "doomed line", ["product_qty"] = 1.0 });
            var other = transaction.Create("purchase.order", new JsonObject { ["name"] = "PO-ARCHIVED", ["partner_id"] = 1, ["state"] = "done" });
            return (id, other);
        });
        await _ingest.RunAndWaitAsync();
        var line = (await _ingest.RowsAsync("purchase.order.line")).Single(row => (string?)row.Value.Data["name"] == "doomed line").Key;

        Odoo.Run(transaction =>
        {
            transaction.Unlink("purchase.order", order); // cascades to the line; leaves no trace
            transaction.Write("purchase.order", archivedInOdoo, new JsonObject { ["active"] = false });
            return true;
        });
        // Deletions are found by reconciliation (every 2 s in tests), which a run does when it is due.
        var orders = await _ingest.RowsAsync("purchase.order");
        var lines = await _ingest.RowsAsync("purchase.order.line");
        await Wait.UntilAsync(
            async () =>
            {
                await _ingest.RunAndWaitAsync();
                (orders, lines) = (await _ingest.RowsAsync("purchase.order"), await _ingest.RowsAsync("purchase.order.line"));
                return orders[order].Archived is not null && lines[line].Archived is not null;
            },
            TimeSpan.FromSeconds(30),
            "the order deleted in Odoo was never archived");
        Assert.NotNull(orders[order].Archived);
        Assert.NotNull(lines[line].Archived);
        Assert.Null(orders[archivedInOdoo].Archived);
        Assert.False((bool)orders[archivedInOdoo].Data["active"]!);
    }

    [Fact]
    public async Task A_record_that_cannot_be_stored_is_isolated_logged_and_retried_until_it_stores()
    {
        var (poison, healthy) = Odoo.Run(transaction => (
            transaction.Create("purchase.order", new JsonObject { ["name"] = "PO-\u0000-NUL", ["partner_id"] = 1, ["state"] = "draft" }), // PostgreSQL cannot store NUL in text
            transaction.Create("purchase.order", new JsonObject { ["name"] = "PO-FINE", ["partner_id"] = 1, ["state"] = "draft" })));

        var run = await _ingest.RunAndWaitAsync();

        Assert.Equal("partial", (string?)run["status"]);
        Assert.True((int)run["counts"]!["purchase.order"]!["failed"]! >= 1);
        Assert.Contains(run["errors"]!.AsArray(), error => ((string?)error)!.Contains($"purchase.order {poison}"));
        var rows = await _ingest.RowsAsync("purchase.order");
        Assert.True(rows.ContainsKey(healthy));
        Assert.False(rows.ContainsKey(poison));
        Assert.Equal(1, await _ingest.FailureCountAsync(poison));

        Odoo.Run(transaction =>
        {
            transaction.Write("purchase.order", poison, new JsonObject { ["name"] = "PO-FIXED" });
            return true;
        });
        await _ingest.RunAndWaitAsync();

        Assert.Equal("PO-FIXED", (string?)(await _ingest.RowsAsync("purchase.order"))[poison].Data["name"]);
        Assert.Equal(0, await _ingest.FailureCountAsync(poison));
    }

    [Fact]
    public async Task A_changed_odoo_database_uuid_is_reported_and_not_merged_into_the_old_data()
    {
        var original = Odoo.Uuid;
        Odoo.Uuid = Guid.NewGuid().ToString(); // the database was restored from elsewhere, or replaced
        try
        {
            var blocked = await _ingest.RunAndWaitAsync();
            Assert.Equal("blocked", (string?)blocked["status"]);
            Assert.Contains("uuid", (string?)blocked["errors"]![0]);
            // A run asked for while the blocked one ran may be under way: it is blocked too.
            await Wait.UntilAsync(async () => (string?)(await _ingest.StreamAsync())["state"]!["status"] == "blocked",
                TimeSpan.FromSeconds(30), "the stream's state did not say blocked");
        }
        finally
        {
            Odoo.Uuid = original;
        }

        Assert.Contains((string?)(await _ingest.RunAndWaitAsync())["status"], new[] { "succeeded", "partial" });
    }

    [Fact]
    public async Task A_user_who_may_not_read_the_database_uuid_still_syncs()
    {
        // ir.config_parameter is for administrators; a least-privilege integration user gets an access error on it.
        system.Odoo.Service.BreakFaultCode = 4;
        system.Odoo.Service.Breaks = (model, _, _) => model == "ir.config_parameter";
        try
        {
            var order = Odoo.Run(transaction => transaction.Create("purchase.order", new JsonObject { ["name"] = "PO-LEAST-PRIVILEGE", ["partner_id"] = 1, ["state"] = "draft" }));
            var run = await _ingest.RunAndWaitAsync();

            Assert.Contains((string?)run["status"], new[] { "succeeded", "partial" });
            Assert.True((await _ingest.RowsAsync("purchase.order")).ContainsKey(order));
        }
        finally
        {
            system.Odoo.Service.Breaks = null;
            system.Odoo.Service.BreakFaultCode = 1;
        }
    }

    private static async Task<long> RunCountAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM odoo_ingest.sync_runs");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
