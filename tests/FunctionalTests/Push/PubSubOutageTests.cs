using RealtimeSync.Contracts.Push;
using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.Push;

/// <summary>Pub/sub is at most once: what is published while an instance is not listening comes from the topic log once it listens again.</summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class PubSubOutageTests(RealtimeSystem system)
{
    [Fact]
    public async Task A_message_published_while_the_instances_were_not_listening_still_arrives_though_its_topic_then_goes_quiet()
    {
        var topic = $"records/{Topics.UniqueCollection()}";
        await using var client = await system.ConnectAsync("viewer-outage", "viewer");
        await client.SubscribeAsync(topic);
        using var redis = await system.RedisAsync(admin: true);
        var database = redis.GetDatabase();

        // The one message of this topic reaches the log but not the instances: its PUBLISH went out while they were
        // not listening. (Written here as the append script writes it, minus the PUBLISH, so the loss is certain.)
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await database.HashSetAsync(PushChannel.HeadKey(topic), [new("epoch", "lost-publish"), new("offset", 1), new("changedAt", now)]);
        await database.StreamAddAsync(PushChannel.LogKey(topic),
        [
            new("m", "{\"topic\":\"" + topic + "\",\"offset\":1,\"epoch\":\"lost-publish\",\"type\":\"note\",\"payload\":{\"n\":1}}"),
            new("t", now),
        ], messageId: "1-0");

        // Then Redis drops every pub/sub connection (a failover, a subscriber over its output buffer limit); they come back.
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        Assert.True(await server.ClientKillAsync(clientType: StackExchange.Redis.ClientType.PubSub) >= 2);

        var message = await client.NextMessageAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(1, (long)message["offset"]!);
        Assert.Equal(1, (int)message["payload"]!["n"]!);
    }
}
