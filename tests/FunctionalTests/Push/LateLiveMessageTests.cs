using Microsoft.Extensions.Logging.Abstractions;
using RealtimeSync.FunctionalTests.Infrastructure;
using RealtimeSync.PushGateway.Access;
using RealtimeSync.PushGateway.Delivery;
using RealtimeSync.PushLog;

namespace RealtimeSync.FunctionalTests.Push;

/// <summary>
/// Pub/sub can bring a message to an instance after a client subscribed "from now" although it was logged
/// before: the subscription's start is the head it read, so such a message is history, not news.
/// </summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class LateLiveMessageTests(RealtimeSystem system)
{
    [Fact]
    public async Task A_message_logged_before_a_subscription_from_now_is_not_delivered_when_pub_sub_brings_it_late()
    {
        using var redis = await system.RedisAsync();
        var log = RealtimeSystem.TopicLog(redis);
        var topic = $"records/{Topics.UniqueCollection()}";
        await AppendAsync(log, topic, 1);
        var late = await AppendAsync(log, topic, 2);

        var connection = new ClientConnection("late-test", new Subscriber("viewer-late", new HashSet<string> { "viewer" }), 100, new AsJson());
        var subscription = TopicSubscription.Create(topic, null, connection, log, NullLogger<TopicSubscription>.Instance, 100);
        subscription.Offer(late); // registered, and pub/sub delivers message 2 only now
        subscription.StartAt((await log.HeadsAsync([topic]))[0]);
        await subscription.StartAsync(CancellationToken.None);
        subscription.Offer(await AppendAsync(log, topic, 3));

        var delivered = new List<string>();
        while (connection.Frames.TryRead(out var frame))
        {
            delivered.Add(frame);
        }

        Assert.Equal([3L], delivered.Select(frame => RoutedMessage.TryParse(frame)!.Offset));
    }

    private static async Task<RoutedMessage> AppendAsync(TopicLog log, string topic, int n)
    {
        var offset = (await log.AppendAsync(null, [topic], $"{{\"type\":\"note\",\"payload\":{{\"n\":{n}}}}}"))[0];
        var read = await log.ReadAfterAsync(topic, null, offset - 1, 1);
        return RoutedMessage.TryParse(read.Messages.Single().Json)!;
    }

    private sealed class AsJson : ITransportFormat
    {
        public string Name => "test";

        public string Message(string json, IReadOnlyDictionary<string, TopicPosition> positions) => json;

        public string Control(string json, IReadOnlyDictionary<string, TopicPosition> positions) => json;
    }
}
