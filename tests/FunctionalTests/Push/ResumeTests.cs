using System.Net.Http.Json;
using System.Text.Json.Nodes;
using RealtimeSync.FunctionalTests.Infrastructure;
using StackExchange.Redis;

namespace RealtimeSync.FunctionalTests.Push;

/// <summary>Resuming covers every topic a client holds: its own user topic, and topics that had no message yet.</summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class ResumeTests(RealtimeSystem system)
{
    [Fact]
    public async Task A_fresh_subscription_is_acknowledged_with_where_its_topic_stands_so_a_reconnection_before_any_message_misses_nothing()
    {
        var topic = $"records/{Topics.UniqueCollection()}";
        var empty = $"records/{Topics.UniqueCollection()}";
        using var redis = await system.RedisAsync();
        var log = RealtimeSystem.TopicLog(redis);
        for (var n = 1; n <= 3; n++)
        {
            await log.AppendAsync(null, [topic], $"{{\"type\":\"note\",\"payload\":{{\"n\":{n}}}}}");
        }

        string epoch;
        await using (var first = await system.ConnectAsync("acknowledged-viewer", "viewer"))
        {
            var subscribed = await first.SubscribeAsync(topic, empty);
            var position = subscribed["positions"]![topic]!;
            epoch = (string)position["epoch"]!;
            Assert.Equal((await log.HeadsAsync([topic]))[0].Epoch, epoch);
            Assert.Equal(3, (long)position["offset"]!);
            Assert.Null((string?)subscribed["positions"]![empty]!["epoch"]); // no history yet: nothing to resume but the start
            Assert.Equal(0, (long)subscribed["positions"]![empty]!["offset"]!);
        }

        // Published while the client was away, before it had seen any message on the topic.
        await log.AppendAsync(null, [topic], "{\"type\":\"note\",\"payload\":{\"n\":4}}");
        await using var again = await system.ConnectAsync("acknowledged-viewer", "viewer");
        await again.SubscribeAsync([topic], new Dictionary<string, (string, long)> { [topic] = (epoch, 3) });
        Assert.Equal(4, (int)(await again.NextMessageAsync(TimeSpan.FromSeconds(20)))["payload"]!["n"]!);
    }

    [Fact]
    public async Task A_websocket_client_resumes_its_own_user_topic_and_gets_what_was_sent_while_it_was_away()
    {
        var user = "resumer-" + Guid.NewGuid().ToString("N")[..6];
        using var http = system.ClientFor(user, "viewer");
        await using (var first = await system.ConnectAsync(user, "viewer"))
        {
            (await http.PostAsJsonAsync("/api/sync/send", new { type = "note", payload = new { n = 1 } })).EnsureSuccessStatusCode();
            var seen = await first.NextMessageAsync(TimeSpan.FromSeconds(20));
            var position = ((string)seen["epoch"]!, (long)seen["offset"]!);

            await first.DisposeAsync();
            (await http.PostAsJsonAsync("/api/sync/send", new { type = "note", payload = new { n = 2 } })).EnsureSuccessStatusCode();
            (await http.PostAsJsonAsync("/api/sync/send", new { type = "note", payload = new { n = 3 } })).EnsureSuccessStatusCode();

            await using var again = await system.ConnectAsync(user, "viewer");
            await again.SubscribeAsync([$"users/{user}"], new Dictionary<string, (string, long)> { [$"users/{user}"] = position });
            var missed = await again.MessagesAsync(2, TimeSpan.FromSeconds(20));
            Assert.Equal([2, 3], missed.Select(message => (int)message["payload"]!["n"]!));
            Assert.Empty(await again.DrainMessagesAsync(TimeSpan.FromSeconds(1)));
        }
    }

    [Fact]
    public async Task A_reconnecting_client_that_resumes_its_user_topic_gets_what_came_after_the_welcome_once_and_in_order()
    {
        var user = "returning-" + Guid.NewGuid().ToString("N")[..6];
        using var http = system.ClientFor(user, "viewer");
        for (var n = 1; n <= 3; n++)
        {
            (await http.PostAsJsonAsync("/api/sync/send", new { type = "note", payload = new { n } })).EnsureSuccessStatusCode();
        }

        var head = (await http.GetFromJsonAsync<JsonObject>($"/api/sync/changes?topics=users/{user}"))!["topics"]![0]!;
        await using var again = await system.ConnectAsync(user, "viewer");
        (await http.PostAsJsonAsync("/api/sync/send", new { type = "note", payload = new { n = 4 } })).EnsureSuccessStatusCode(); // after the welcome
        await again.SubscribeAsync([$"users/{user}"], new Dictionary<string, (string, long)> { [$"users/{user}"] = ((string)head["epoch"]!, 1) });

        var missed = await again.MessagesAsync(3, TimeSpan.FromSeconds(20));
        Assert.Equal([2, 3, 4], missed.Select(message => (int)message["payload"]!["n"]!));
        Assert.Empty(await again.DrainMessagesAsync(TimeSpan.FromSeconds(4))); // past the grace in which own topics wait for a resume
    }

    [Fact]
    public async Task Resuming_many_topics_far_behind_at_once_replays_them_all_without_overflowing_the_client()
    {
        using var redis = await system.RedisAsync();
        var log = RealtimeSystem.TopicLog(redis);
        var topics = Enumerable.Range(0, 6).Select(_ => $"records/{Topics.UniqueCollection()}").ToArray();
        foreach (var topic in topics)
        {
            for (var n = 1; n <= 300; n++)
            {
                await log.AppendAsync(null, [topic], $"{{\"type\":\"note\",\"payload\":{{\"n\":{n}}}}}");
            }
        }

        var heads = await log.HeadsAsync(topics);
        await using var client = await system.ConnectAsync("viewer-31", "viewer");
        await client.SubscribeAsync(topics, heads.ToDictionary(head => head.Topic, head => (head.Epoch!, 0L)));

        var replayed = await client.MessagesAsync(6 * 300, TimeSpan.FromSeconds(60)); // 1800 messages, the send queue holds 1000
        foreach (var topic in topics)
        {
            Writers.AssertContiguous(replayed.Where(message => (string?)message["topic"] == topic).ToList(), first: 1);
        }

        Assert.True(client.IsOpen);
    }

    [Fact]
    public async Task An_sse_cursor_covers_a_topic_that_had_no_message_yet()
    {
        var (busy, quiet) = (Topics.UniqueCollection(), Topics.UniqueCollection());
        string lastId;
        await using (var sse = await SseClient.ConnectAsync(system.ClientFor("viewer-30", "viewer"), $"records/{busy},records/{quiet}"))
        {
            await Writers.WriteChangesAsync(system, busy, 1, parallel: 1);
            lastId = (await sse.MessagesAsync(1, TimeSpan.FromSeconds(20)))[0].Id;
        }

        await Writers.WriteChangesAsync(system, quiet, 2, parallel: 1);
        await using var resumed = await SseClient.ConnectAsync(system.ClientFor("viewer-30", "viewer"), $"records/{busy},records/{quiet}", lastEventId: lastId);

        var missed = await resumed.MessagesAsync(2, TimeSpan.FromSeconds(20));
        Assert.All(missed, message => Assert.Equal($"records/{quiet}", (string?)message.Message["topic"]));
        Writers.AssertContiguous(missed.Select(message => message.Message).ToList(), first: 1);
    }
}
