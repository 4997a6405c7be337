using RealtimeSync.Contracts.Push;
using RealtimeSync.FunctionalTests.Infrastructure;
using RealtimeSync.PushLog;

namespace RealtimeSync.FunctionalTests.Push;

/// <summary>Redis keeps a bounded amount per topic: messages for their max age, and a quiet topic's head only for its retention.</summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class TopicRetentionTests(RealtimeSystem system)
{
    [Fact]
    public async Task A_quiet_topics_head_expires_after_its_retention_and_the_topic_then_starts_a_new_epoch()
    {
        using var redis = await system.RedisAsync();
        var log = RealtimeSystem.TopicLog(redis, new TopicLogOptions { MaxAge = TimeSpan.FromSeconds(5), HeadRetention = TimeSpan.FromSeconds(6) });
        var topic = $"records/{Topics.UniqueCollection()}/1";

        await log.AppendAsync(null, [topic], """{"type":"note"}""");
        var first = (await log.HeadsAsync([topic]))[0];
        var database = redis.GetDatabase();
        var (headLife, logLife) = (await database.KeyTimeToLiveAsync(PushChannel.HeadKey(topic)), await database.KeyTimeToLiveAsync(PushChannel.LogKey(topic)));
        Assert.NotNull(headLife); // null: the key has no expiry, or is already gone (a machine too slow for these lifetimes)
        Assert.NotNull(logLife);
        Assert.InRange(headLife.Value, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(6));
        Assert.InRange(logLife.Value, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(5));

        await Wait.UntilAsync(async () => (await log.HeadsAsync([topic]))[0].Epoch is null, TimeSpan.FromSeconds(30), "the quiet topic's head did not expire");
        var offsets = await log.AppendAsync(null, [topic], """{"type":"note"}""");
        var second = (await log.HeadsAsync([topic]))[0];

        Assert.Equal(1, first.Offset);
        Assert.Equal([1L], offsets);
        Assert.NotEqual(first.Epoch, second.Epoch); // a client holding the old epoch is told to resync
    }
}
