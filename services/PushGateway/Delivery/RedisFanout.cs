using Microsoft.Extensions.Options;
using RealtimeSync.Contracts.Push;
using StackExchange.Redis;

namespace RealtimeSync.PushGateway.Delivery;

/// <summary>
/// Listens on the Redis channel every instance shares and offers each message to this instance's
/// subscriptions of its topic. A channel message carries a batch of messages, one per line (<see cref="PushLog.TopicLog"/>);
/// a message whose topic nobody here holds is skipped on its first property, unparsed. A channel message queue hands messages over one at a time in publish order,
/// which the subscriptions rely on (a handler given to SubscribeAsync may run concurrently); a message lost here is recovered from the topic log by the gap check. A gap is
/// only seen when a later message arrives, so after the subscription connection comes back (a failover, a
/// network cut, Redis dropping a slow subscriber) every subscription also catches up from the log: what was
/// published while this instance was not listening is delivered even if its topic then goes quiet.
/// </summary>
public sealed partial class RedisFanout(
    IConnectionMultiplexer redis, SubscriptionRegistry registry, IOptions<PushGatewayOptions> options, ILogger<RedisFanout> logger)
    : RedisChannelListener(redis, PushChannel.Name, options.Value.FanoutBacklogLimit, logger)
{
    protected override void Receive(string message) => OfferAll(message);

    protected override void OnRestored() => LogRestored();

    protected override Task CatchUpAsync()
    {
        foreach (var subscription in registry.Connections.SelectMany(connection => connection.Subscriptions))
        {
            subscription.CatchUp();
        }

        return Task.CompletedTask;
    }

    private void OfferAll(string batch)
    {
        foreach (var line in batch.AsSpan().EnumerateLines())
        {
            var topic = RoutedMessage.TopicOf(line);
            if (line.IsEmpty || (!topic.IsEmpty && !registry.HasSubscribers(topic)))
            {
                continue;
            }

            Offer(line.ToString());
        }
    }

    private void Offer(string json)
    {
        if (RoutedMessage.TryParse(json) is not { } message)
        {
            LogUnroutable(json.Length);
            return;
        }

        var subscribers = registry.SubscribersOf(message.Topic).ToList();
        if (subscribers.Count == 0)
        {
            return;
        }

        using var delivery = PushTelemetry.StartDelivery(message, subscribers.Count);
        foreach (var subscription in subscribers)
        {
            subscription.Offer(message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Redis subscription connection is back; every subscription catches up from the topic log")]
    private partial void LogRestored();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped an unroutable push message ({Length} chars)")]
    private partial void LogUnroutable(int length);
}
