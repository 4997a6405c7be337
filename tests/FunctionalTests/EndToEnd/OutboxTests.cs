using System.Net;
using System.Net.Http.Json;
using Npgsql;
using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.EndToEnd;

/// <summary>The transactional outbox: a write commits with its event, and the event waits in PostgreSQL while the broker is away.</summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class OutboxTests(RealtimeSystem system)
{
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

    private async Task<long> PendingOutboxRowsAsync(string collection)
    {
        await using var dataSource = NpgsqlDataSource.Create(system.ConnectionString("mergedb"));
        await using var command = dataSource.CreateCommand(
            "SELECT count(*) FROM merge_api.outbox WHERE published_at IS NULL AND payload->>'collection' = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = collection });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
