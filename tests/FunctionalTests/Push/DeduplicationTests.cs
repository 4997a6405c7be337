using Npgsql;
using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.Push;

/// <summary>At-least-once delivery upstream, one message downstream: a redelivered event gets no second offset.</summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class DeduplicationTests(RealtimeSystem system)
{
    [Fact]
    public async Task The_same_event_delivered_twice_by_rabbitmq_produces_one_message()
    {
        var collection = Topics.UniqueCollection();
        await using var client = await system.ConnectAsync("viewer-8", "viewer");
        await client.SubscribeAsync($"records/{collection}");
        await Writers.PutAsync(system.Gateway, collection, "once", new { value = 1 });
        var first = await client.NextMessageAsync(TimeSpan.FromSeconds(20));
        var eventId = Guid.Parse((string)first["eventId"]!);

        // What a crash between publish and dequeue looks like: the outbox row is queued again, so the same event is published again.
        // (The message can arrive before the dispatcher's transaction has dequeued the row: that comes first.)
        await Wait.UntilAsync(async () => !await QueuedAsync(eventId), TimeSpan.FromSeconds(30), "the outbox did not dequeue the published event within 30 s");
        await ExecuteAsync("INSERT INTO merge_api.outbox_queue (seq) SELECT seq FROM merge_api.outbox WHERE event_id = $1", eventId);
        await Wait.UntilAsync(async () => !await QueuedAsync(eventId), TimeSpan.FromSeconds(30), "the outbox did not publish the event again within 30 s");

        // Consumed in order, so once this later change arrives the duplicate has been through change-notifier.
        await Writers.PutAsync(system.Gateway, collection, "once", new { value = 2 });
        var next = await client.NextMessageAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(2, (int)next["payload"]!["fields"]!["value"]!);
        Assert.Equal((long)first["offset"]! + 1, (long)next["offset"]!);
        Assert.Empty(await client.DrainMessagesAsync(TimeSpan.FromSeconds(1)));
    }

    private async Task ExecuteAsync(string sql, Guid eventId)
    {
        await using var dataSource = NpgsqlDataSource.Create(system.ConnectionString("mergedb"));
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = eventId });
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    private async Task<bool> QueuedAsync(Guid eventId)
    {
        await using var dataSource = NpgsqlDataSource.Create(system.ConnectionString("mergedb"));
        await using var command = dataSource.CreateCommand(
            "SELECT EXISTS (SELECT FROM merge_api.outbox_queue q JOIN merge_api.outbox o USING (seq) WHERE o.event_id = $1)");
        command.Parameters.Add(new NpgsqlParameter { Value = eventId });
        return (bool)(await command.ExecuteScalarAsync())!;
    }
}
