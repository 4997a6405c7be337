using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using RealtimeSync.FunctionalTests.Infrastructure;
using RealtimeSync.PushGateway.Presence;

namespace RealtimeSync.FunctionalTests.Push;

/// <summary>Presence ("who is editing"): members join and leave a topic, and every subscriber of it, on every instance and transport, sees it.</summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class PresenceTests(RealtimeSystem system) : IAsyncLifetime
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(10);

    /// <summary>Every test here needs both replicas, and the instance test kills one.</summary>
    public Task InitializeAsync() => PushInstances.UntilBothServeAsync(system);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_subscriber_gets_a_snapshot_after_subscribed_an_empty_one_too()
    {
        var topic = Topic();
        await using var client = await system.ConnectAsync("presence-1", "viewer");

        await client.SubscribeAsync(topic, "broadcast");

        var snapshot = await client.NextPresenceAsync(topic, "snapshot", Soon);
        Assert.Empty(snapshot["members"]!.AsArray());
        await Assert.ThrowsAsync<TimeoutException>(() => client.NextPresenceAsync("broadcast", "snapshot", TimeSpan.FromSeconds(1))); // no presence there
    }

    [Fact]
    public async Task A_join_reaches_a_subscriber_on_the_other_instance_the_members_own_connection_and_later_snapshots()
    {
        await using var scene = await WatchedTopicAsync("presence-2");
        var (topic, member, watcher) = scene;
        await member.SubscribeAsync(topic);

        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await JoinAsync(member, topic, new JsonObject { ["editing"] = "partner_ref" });

        var joined = (await watcher.NextPresenceAsync(topic, "join", Soon))["member"]!;
        Assert.Equal(member.ConnectionId, (string?)joined["connectionId"]);
        Assert.Equal("presence-2", (string?)joined["userId"]);
        Assert.Equal("""{"editing":"partner_ref"}""", joined["state"]!.ToJsonString());
        Assert.InRange((long)joined["since"]!, before - 5000, before + 5000);
        await member.NextPresenceAsync(topic, "join", Soon);

        await using var late = await system.ConnectAsync("presence-2b", "viewer");
        await late.SubscribeAsync(topic);
        var members = (await late.NextPresenceAsync(topic, "snapshot", Soon))["members"]!.AsArray();
        Assert.Equal(joined.ToJsonString(), Assert.Single(members)!.ToJsonString());
    }

    [Fact]
    public async Task Joining_again_updates_the_state_and_keeps_since()
    {
        await using var scene = await WatchedTopicAsync("presence-3");
        var (topic, member, watcher) = scene;
        await JoinAsync(member, topic, new JsonObject { ["editing"] = "partner_ref" });
        var joined = (await watcher.NextPresenceAsync(topic, "join", Soon))["member"]!;

        await JoinAsync(member, topic, new JsonObject { ["editing"] = "date_order" });

        var updated = (await watcher.NextPresenceAsync(topic, "update", Soon))["member"]!;
        Assert.Equal("""{"editing":"date_order"}""", updated["state"]!.ToJsonString());
        Assert.Equal((long)joined["since"]!, (long)updated["since"]!);
        Assert.Equal(member.ConnectionId, (string?)updated["connectionId"]);
    }

    [Fact]
    public async Task A_leave_command_is_seen_as_leave_and_leaving_again_is_answered_left()
    {
        await using var scene = await WatchedTopicAsync("presence-4");
        var (topic, member, watcher) = scene;
        await JoinAsync(member, topic, []);

        await member.SendAsync(new JsonObject { ["type"] = "leave", ["topic"] = topic });

        Assert.Equal(topic, (string?)(await member.NextControlAsync("left", Soon))["topic"]);
        var left = (await watcher.NextPresenceAsync(topic, "leave", Soon))["member"]!;
        Assert.Equal($$"""{"connectionId":"{{member.ConnectionId}}","userId":"presence-4"}""", left.ToJsonString());
        await member.SendAsync(new JsonObject { ["type"] = "leave", ["topic"] = topic });
        await member.NextControlAsync("left", Soon);
        Assert.Empty(await MembersAsync(topic));
    }

    [Fact]
    public async Task A_member_whose_connection_closes_leaves()
    {
        await using var scene = await WatchedTopicAsync("presence-5");
        var (topic, member, watcher) = scene;
        await JoinAsync(member, topic, []);
        var connectionId = member.ConnectionId;

        await member.DisposeAsync();

        Assert.Equal(connectionId, (string?)(await watcher.NextPresenceAsync(topic, "leave", Soon))["member"]!["connectionId"]);
    }

    [Fact]
    public async Task The_members_of_a_dead_instance_leave_within_the_lease()
    {
        await using var scene = await WatchedTopicAsync("presence-6");
        var (topic, member, watcher) = scene;
        await JoinAsync(member, topic, new JsonObject { ["editing"] = "notes" });
        var pid = system.ProcessIdOfPushGateway(member.Instance);
        var clock = Stopwatch.StartNew();

        Process.GetProcessById(pid).Kill(entireProcessTree: true);

        // The lease (25 s) plus a sweep (5 s) bound it; the margin is for a loaded machine.
        var left = await watcher.NextPresenceAsync(topic, "leave", TimeSpan.FromSeconds(45));
        Assert.Equal(member.ConnectionId, (string?)left["member"]!["connectionId"]);
        Assert.True(clock.Elapsed > TimeSpan.FromSeconds(10), $"left after {clock.Elapsed}: not by its lease");
        await PushInstances.UntilBothServeAsync(system); // the fixture as it was, for the tests after this one
    }

    [Fact]
    public async Task After_pub_sub_comes_back_every_watcher_gets_a_fresh_snapshot_with_the_join_it_missed()
    {
        var topic = Topic();
        var watchers = new List<PushClient>();
        foreach (var user in new[] { "watcher-a", "watcher-b", "watcher-c" })
        {
            var watcher = await system.ConnectAsync(user, "viewer"); // three watchers, so an instance holds two of them or more
            watchers.Add(watcher);
            await watcher.SubscribeAsync(topic);
            Assert.Empty((await watcher.NextPresenceAsync(topic, "snapshot", Soon))["members"]!.AsArray());
        }

        try
        {
            // A join whose event went out while the instances were not listening: in Redis, never seen by them.
            using var redis = await system.RedisAsync(admin: true);
            var database = redis.GetDatabase();
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await database.HashSetAsync(PresenceStore.MembersKey(topic), "lost-join", $$"""{"connectionId":"lost-join","userId":"ghost","state":{},"since":{{now}}}""");
            await database.SortedSetAddAsync(PresenceStore.Leases, $"lost-join {topic}", now + 60_000);
            Assert.True(await redis.GetServer(redis.GetEndPoints()[0]).ClientKillAsync(clientType: StackExchange.Redis.ClientType.PubSub) >= 2);

            foreach (var watcher in watchers)
            {
                var members = (await watcher.NextPresenceAsync(topic, "snapshot", TimeSpan.FromSeconds(20)))["members"]!.AsArray();
                Assert.Equal(["ghost"], members.Select(member => (string?)member!["userId"]));
            }
        }
        finally
        {
            foreach (var watcher in watchers)
            {
                await watcher.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Refusals_are_error_frames_that_name_the_topic()
    {
        var topic = Topic();
        await using var client = await system.ConnectAsync("presence-7", "viewer");

        await AssertRefusedAsync(client, new JsonObject { ["type"] = "join", ["topic"] = "records/payroll/1" }, "forbidden_topic");
        await AssertRefusedAsync(client, new JsonObject { ["type"] = "join", ["topic"] = "broadcast" }, "forbidden_topic");
        await AssertRefusedAsync(client, new JsonObject { ["type"] = "join", ["topic"] = topic, ["state"] = new JsonArray() }, "invalid_message");
        await AssertRefusedAsync(client, new JsonObject { ["type"] = "join", ["topic"] = topic, ["state"] = new JsonObject { ["a"] = new string('x', 1017) } }, "presence_state_too_large");
        await client.SendTextAsync("""{"type":"join","topic":42}""");
        Assert.Equal("invalid_message", (string?)(await client.NextControlAsync("error", Soon))["code"]);

        await JoinAsync(client, topic, new JsonObject { ["a"] = new string('x', 1016) }); // 1024 bytes: the limit is inclusive
    }

    [Fact]
    public async Task A_connection_joins_at_most_twenty_topics_and_may_still_update_them()
    {
        var collection = Topics.UniqueCollection();
        await using var client = await system.ConnectAsync("presence-8", "viewer");
        for (var n = 1; n <= 20; n++)
        {
            await JoinAsync(client, $"records/{collection}/{n}", []);
        }

        await AssertRefusedAsync(client, new JsonObject { ["type"] = "join", ["topic"] = $"records/{collection}/21" }, "too_many_presence_topics");
        await JoinAsync(client, $"records/{collection}/20", new JsonObject { ["editing"] = "name" });
        await client.SendAsync(new JsonObject { ["type"] = "leave", ["topic"] = $"records/{collection}/1" });
        await client.NextControlAsync("left", Soon);
        await JoinAsync(client, $"records/{collection}/21", []);
    }

    [Fact]
    public async Task An_event_stream_gets_the_snapshot_and_events_as_named_presence_events()
    {
        var topic = Topic();
        await using var sse = await SseClient.ConnectAsync(system.ClientFor("presence-9", "viewer"), topic);
        Assert.Empty((await sse.NextAsync("presence", Soon)).Data["members"]!.AsArray());
        await using var member = await system.ConnectAsync("presence-9b", "viewer");

        await JoinAsync(member, topic, new JsonObject { ["editing"] = "amount" });

        var (_, joined) = await sse.NextAsync("presence", Soon);
        Assert.Equal("join", (string?)joined["event"]);
        Assert.Equal(member.ConnectionId, (string?)joined["member"]!["connectionId"]);
    }

    [Fact]
    public async Task Polling_clients_read_the_members_with_the_topics_read_rights()
    {
        var topic = Topic();
        await using var member = await system.ConnectAsync("presence-10", "viewer");
        await JoinAsync(member, topic, new JsonObject { ["editing"] = "partner_ref" });
        using var viewer = system.ClientFor("presence-10b", "viewer");

        var members = await MembersAsync(topic);
        var missing = await viewer.GetAsync("/api/sync/presence");
        var forbidden = await viewer.GetAsync("/api/sync/presence?topic=records/payroll/1");

        Assert.Equal(member.ConnectionId, (string?)Assert.Single(members)!["connectionId"]);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("application/problem+json", forbidden.Content.Headers.ContentType?.MediaType);
    }

    private static string Topic() => $"records/{Topics.UniqueCollection()}/7";

    /// <summary>A fresh topic, a member's client on one instance, and on the other a watcher subscribed to the topic (its empty snapshot read).</summary>
    private async Task<Scene> WatchedTopicAsync(string user)
    {
        var clients = await Topics.OnePerInstanceAsync(system, user);
        var scene = new Scene(Topic(), clients[0], clients[1]);
        await scene.Watcher.SubscribeAsync(scene.Topic);
        Assert.Empty((await scene.Watcher.NextPresenceAsync(scene.Topic, "snapshot", Soon))["members"]!.AsArray());
        return scene;
    }

    private static async Task JoinAsync(PushClient client, string topic, JsonObject state)
    {
        await client.SendAsync(new JsonObject { ["type"] = "join", ["topic"] = topic, ["state"] = state });
        Assert.Equal(topic, (string?)(await client.NextControlAsync("joined", Soon))["topic"]);
    }

    private static async Task AssertRefusedAsync(PushClient client, JsonObject frame, string code)
    {
        await client.SendAsync(frame);
        var error = await client.NextControlAsync("error", Soon);
        Assert.Equal(code, (string?)error["code"]);
        Assert.Equal((string?)frame["topic"], (string?)error["topic"]);
    }

    private async Task<JsonArray> MembersAsync(string topic)
    {
        using var reader = system.ClientFor("presence-reader", "viewer");
        var answer = (await reader.GetFromJsonAsync<JsonObject>($"/api/sync/presence?topic={Uri.EscapeDataString(topic)}"))!;
        Assert.Equal(topic, (string?)answer["topic"]);
        return answer["members"]!.AsArray();
    }

    private sealed record Scene(string Topic, PushClient Member, PushClient Watcher) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Member.DisposeAsync();
            await Watcher.DisposeAsync();
        }
    }
}
