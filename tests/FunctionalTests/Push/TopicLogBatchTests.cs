using System.Threading.Channels;
using RealtimeSync.Contracts.Push;
using RealtimeSync.FunctionalTests.Infrastructure;
using RealtimeSync.PushLog;
using StackExchange.Redis;

namespace RealtimeSync.FunctionalTests.Push;

/// <summary>A batch is appended in order in one script and fanned out as one pub/sub message, a line per message, on the real Redis.</summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class TopicLogBatchTests(RealtimeSystem system)
{
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    [Fact]
    public async Task A_batch_takes_offsets_in_order_drops_a_repeated_event_and_is_published_once_a_line_per_message()
    {
        using var redis = await system.RedisAsync();
        var log = RealtimeSystem.TopicLog(redis);
        var collection = $"records/{Topics.UniqueCollection()}";
        var record = collection + "/1";
        var published = Channel.CreateUnbounded<string>();
        var subscription = await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(PushChannel.Name));
        subscription.OnMessage(message =>
        {
            if (((string)message.Message!).Contains(collection, StringComparison.Ordinal))
            {
                published.Writer.TryWrite(message.Message!);
            }
        });
        var repeated = Guid.NewGuid().ToString();

        var offsets = await log.AppendManyAsync(
        [
            new TopicAppend(repeated, [collection, record], """{"type":"note","payload":{"n":1}}""", TraceParent),
            new TopicAppend(null, [collection], """{"type":"note","payload":{"n":2}}"""),
            new TopicAppend(repeated, [collection, record], """{"type":"note","payload":{"n":1}}""", TraceParent),
        ]);

        Assert.Equal([[1L, 1L], [2L], [1L, 1L]], offsets);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var lines = (await published.Reader.ReadAsync(wait.Token)).Split('\n');
        Assert.Equal(3, lines.Length); // the repeated event published nothing
        Assert.StartsWith($"{{\"topic\":\"{collection}\",\"offset\":1,", lines[0], StringComparison.Ordinal);
        Assert.EndsWith($",\"traceparent\":\"{TraceParent}\"}}", lines[0], StringComparison.Ordinal);
        Assert.StartsWith($"{{\"topic\":\"{record}\",\"offset\":1,", lines[1], StringComparison.Ordinal);
        Assert.StartsWith($"{{\"topic\":\"{collection}\",\"offset\":2,", lines[2], StringComparison.Ordinal);
        Assert.DoesNotContain("traceparent", lines[2], StringComparison.Ordinal);

        var read = await log.ReadAfterAsync(collection, null, 0);
        Assert.Equal([1L, 2L], read.Messages.Select(message => message.Offset));
        // The log keeps the protocol's message: what was published, less the trace.
        Assert.Equal(lines[0].Replace($",\"traceparent\":\"{TraceParent}\"", string.Empty, StringComparison.Ordinal), read.Messages[0].Json);
        Assert.Equal(lines[2], read.Messages[1].Json);
        await subscription.UnsubscribeAsync();
    }

    [Fact]
    public async Task A_body_that_is_not_one_line_of_json_is_refused_and_nothing_of_its_batch_is_appended()
    {
        using var redis = await system.RedisAsync();
        var log = RealtimeSystem.TopicLog(redis);
        var topic = $"records/{Topics.UniqueCollection()}";

        await Assert.ThrowsAsync<ArgumentException>(() => log.AppendManyAsync(
            [new TopicAppend(null, [topic], """{"type":"note"}"""), new TopicAppend(null, [topic], "{\n\"type\":\"note\"}")]));

        Assert.Equal(0, (await log.HeadsAsync([topic]))[0].Offset);
    }

    [Fact]
    public async Task A_topic_whose_head_is_gone_but_whose_log_remains_starts_a_new_epoch_with_only_its_new_message()
    {
        using var redis = await system.RedisAsync();
        var log = RealtimeSystem.TopicLog(redis);
        var topic = $"records/{Topics.UniqueCollection()}";
        await log.AppendManyAsync([new TopicAppend(null, [topic], """{"type":"note","payload":{"n":1}}"""), new TopicAppend(null, [topic], """{"type":"note","payload":{"n":2}}""")]);
        var before = (await log.HeadsAsync([topic]))[0];

        // Redis lost the head (evicted, or deleted by hand) and kept the log: the log's ids would refuse offset 1 again.
        await redis.GetDatabase().KeyDeleteAsync(PushChannel.HeadKey(topic));
        var offsets = await log.AppendManyAsync([new TopicAppend(null, [topic], """{"type":"note","payload":{"n":3}}""")]);

        Assert.Equal([[1L]], offsets);
        var after = (await log.HeadsAsync([topic]))[0];
        Assert.NotEqual(before.Epoch, after.Epoch);
        var read = await log.ReadAfterAsync(topic, after.Epoch, 0);
        Assert.False(read.HistoryGone);
        Assert.Equal([1L], read.Messages.Select(message => message.Offset));
        Assert.Contains("\"n\":3", read.Messages[0].Json, StringComparison.Ordinal);
        Assert.True((await log.ReadAfterAsync(topic, before.Epoch, 2)).HistoryGone); // a reader of the old epoch is told to resync
    }
}
