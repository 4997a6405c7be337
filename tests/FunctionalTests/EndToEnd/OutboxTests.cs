using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;
using RealtimeSync.Contracts;
using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.EndToEnd;

/// <summary>The transactional outbox: a write commits with its event, and the event waits in PostgreSQL while the broker is away.</summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class OutboxTests(RealtimeSystem system)
{
    /// <summary>An outbox row <c>o</c> that went out: neither queued nor set aside.</summary>
    internal const string Published = "(o.set_aside_at IS NULL AND NOT EXISTS (SELECT FROM merge_api.outbox_queue q WHERE q.seq = o.seq))";

    [Fact]
    public async Task A_write_succeeds_while_rabbitmq_is_down_and_its_event_is_delivered_once_it_is_back()
    {
        var collection = Topics.UniqueCollection();
        await using var client = await system.ConnectAsync("viewer-1", "viewer");
        await client.SubscribeAsync($"records/{collection}");

        await system.StopResourceAsync("rabbitmq");
        try
        {
            var response = await system.Gateway.PutAsJsonAsync($"/api/records/{collection}/during-outage", new { status = "written while the broker was down" });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);

            Assert.Empty(await client.DrainMessagesAsync(TimeSpan.FromSeconds(3)));
            Assert.Equal(1, await PendingOutboxRowsAsync(collection));
        }
        finally
        {
            await system.StartResourceAsync("rabbitmq");
        }

        var message = await client.NextMessageAsync(TimeSpan.FromMinutes(2));
        Assert.Equal("during-outage", (string?)message["payload"]!["id"]);
        Assert.Equal("written while the broker was down", (string?)message["payload"]!["fields"]!["status"]);
        Assert.Empty(await client.DrainMessagesAsync(TimeSpan.FromSeconds(1.5)));
        Assert.Equal(0, await PendingOutboxRowsAsync(collection));
    }

    [Fact]
    public async Task A_row_that_commits_after_a_backlog_behind_it_was_read_is_still_published()
    {
        var collection = Topics.UniqueCollection();
        await using var dataSource = NpgsqlDataSource.Create(system.ConnectionString("mergedb"));

        // The late row takes its seq first and commits last: the dispatcher reads the backlog on from its last row, and must
        // still come back for it.
        await using var late = await dataSource.OpenConnectionAsync();
        await using var lateTransaction = await late.BeginTransactionAsync();
        await AddRowsAsync(late, lateTransaction, collection, "late", 1);
        await using (var backlog = await dataSource.OpenConnectionAsync())
        await using (var transaction = await backlog.BeginTransactionAsync())
        {
            await AddRowsAsync(backlog, transaction, collection, "backlog", 1_200); // more than two of the dispatcher's batches
            await transaction.CommitAsync();
        }

        await Wait.UntilAsync(async () => await PublishedRowsAsync(dataSource, collection, "backlog") == 1_200, TimeSpan.FromMinutes(1), "the backlog was not published");
        await lateTransaction.CommitAsync();
        await Wait.UntilAsync(async () => await PublishedRowsAsync(dataSource, collection, "late") == 1, TimeSpan.FromSeconds(30), "the late row was never published");
    }

    /// <summary>Outbox rows as merge-api writes them (a created record each), inserted in the caller's transaction.</summary>
    private static async Task AddRowsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string collection, string prefix, int count)
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var changes = Enumerable.Range(1, count).Select(n => new RecordChanged(
            Guid.NewGuid(), "outbox-test", collection, $"{prefix}-{n}", 1, ChangeOperation.Created, ["status"], new JsonObject { ["status"] = prefix }, null, null, DateTimeOffset.UtcNow)).ToList();
        await using var command = new NpgsqlCommand(
            "INSERT INTO merge_api.outbox (event_id, payload) SELECT * FROM unnest($1::uuid[], $2::json[])", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = changes.Select(change => change.EventId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = changes.Select(change => JsonSerializer.Serialize(change, json)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Json });
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> PublishedRowsAsync(NpgsqlDataSource dataSource, string collection, string prefix)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT count(*) FROM merge_api.outbox o WHERE {Published} AND payload->>'collection' = $1 AND payload->>'recordId' LIKE $2");
        command.Parameters.Add(new NpgsqlParameter { Value = collection });
        command.Parameters.Add(new NpgsqlParameter { Value = prefix + "-%" });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<long> PendingOutboxRowsAsync(string collection)
    {
        await using var dataSource = NpgsqlDataSource.Create(system.ConnectionString("mergedb"));
        await using var command = dataSource.CreateCommand(
            $"SELECT count(*) FROM merge_api.outbox o WHERE NOT {Published} AND payload->>'collection' = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = collection });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
