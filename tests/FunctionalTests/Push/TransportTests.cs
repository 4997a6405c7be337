using System.Net.Http.Json;
using System.Text.Json.Nodes;
using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.Push;

/// <summary>Every transport sees the same messages: WebSocket, Server-Sent Events, and seed 004's HTTP polling.</summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class TransportTests(RealtimeSystem system)
{
    [Fact]
    public async Task Polling_and_sse_clients_see_the_same_messages_as_a_websocket_client()
    {
        var collection = Topics.UniqueCollection();
        var topic = $"records/{collection}";
        await using var ws = await system.ConnectAsync("viewer-6", "viewer");
        await ws.SubscribeAsync(topic);
        await using var sse = await SseClient.ConnectAsync(system.ClientFor("viewer-6", "viewer"), topic);
        using var poller = system.ClientFor("viewer-6", "viewer");
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 1;
        var cursor = (string)(await poller.GetFromJsonAsync<JsonObject>($"/api/sync/poll?since={before}&topics={topic}"))!["cursor"]!;

        await Writers.WriteChangesAsync(system, collection, 5, parallel: 1);

        var viaWebSocket = await ws.MessagesAsync(5, TimeSpan.FromSeconds(20));
        var viaSse = await sse.MessagesAsync(5, TimeSpan.FromSeconds(20));
        var viaPolling = await PollAsync(poller, topic, cursor, 5);
        var bySince = (await poller.GetFromJsonAsync<JsonObject>($"/api/sync/poll?since={before}&topics={topic}"))!;

        var expected = Identities(viaWebSocket);
        Assert.Equal(5, expected.Distinct().Count());
        Assert.Equal(expected, Identities(viaSse.Select(message => message.Message)));
        Assert.Equal(expected, Identities(viaPolling));
        Assert.True((bool)bySince["success"]!);
        Assert.Equal(expected, Identities(bySince["messages"]!.AsArray().Select(message => message!.AsObject()).Where(message => (string?)message["topic"] == topic)));
    }

    [Fact]
    public async Task An_sse_client_resumes_with_last_event_id_and_gets_only_what_came_after()
    {
        var collection = Topics.UniqueCollection();
        var topic = $"records/{collection}";
        List<(string Id, JsonObject Message)> firstThree;
        await using (var sse = await SseClient.ConnectAsync(system.ClientFor("viewer-7", "viewer"), topic))
        {
            await Writers.WriteChangesAsync(system, collection, 3, parallel: 1);
            firstThree = await sse.MessagesAsync(3, TimeSpan.FromSeconds(20));
        }

        await Writers.WriteChangesAsync(system, collection, 2, parallel: 1);
        await using var resumed = await SseClient.ConnectAsync(system.ClientFor("viewer-7", "viewer"), topic, lastEventId: firstThree[^1].Id);

        var rest = await resumed.MessagesAsync(2, TimeSpan.FromSeconds(20));
        Writers.AssertContiguous(firstThree.Concat(rest).Select(pair => pair.Message).ToList(), first: 1);
    }

    [Fact]
    public async Task A_poller_with_a_cursor_that_fell_out_of_retention_is_told_to_resync()
    {
        using var poller = system.ClientFor("viewer-7", "viewer");
        var cursor = Convert.ToBase64String("""{"broadcast":["an-epoch-redis-lost",3]}"""u8.ToArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        var answer = (await poller.GetFromJsonAsync<JsonObject>($"/api/sync/poll?cursor={cursor}"))!;

        Assert.Contains(answer["resync"]!.AsArray(), entry => (string?)entry!["topic"] == "broadcast");
    }

    private static async Task<List<JsonObject>> PollAsync(HttpClient poller, string topic, string cursor, int count)
    {
        var messages = new List<JsonObject>();
        await Wait.UntilAsync(
            async () =>
            {
                var answer = (await poller.GetFromJsonAsync<JsonObject>($"/api/sync/poll?cursor={cursor}&topics={topic}"))!;
                cursor = (string)answer["cursor"]!;
                messages.AddRange(answer["messages"]!.AsArray().Select(message => message!.AsObject()).Where(message => (string?)message["topic"] == topic));
                return messages.Count >= count;
            },
            TimeSpan.FromSeconds(20),
            $"polling {topic} did not return {count} messages within 20 s");
        return messages;
    }

    private static List<string> Identities(IEnumerable<JsonObject> messages) =>
        messages.Select(message => $"{message["offset"]}:{message["eventId"]}").ToList();
}
