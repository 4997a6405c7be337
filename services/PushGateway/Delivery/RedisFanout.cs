using RealtimeSync.Contracts.Push;
using StackExchange.Redis;

namespace RealtimeSync.PushGateway.Delivery;

/// <summary>
/// Listens on the Redis channel every instance shares and offers each message to this instance's
/// subscriptions of its topic. StackExchange.Redis calls the handler in publish order, which the
/// subscriptions rely on; a message lost here is recovered from the topic log by the gap check.
/// </summary>
public sealed partial class RedisFanout(IConnectionMultiplexer redis, SubscriptionRegistry registry, ILogger<RedisFanout> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        redis.GetSubscriber().SubscribeAsync(PushChannel.Name, (_, value) => Offer(value!));

    public Task StopAsync(CancellationToken cancellationToken) =>
        redis.GetSubscriber().UnsubscribeAsync(PushChannel.Name);

    private void Offer(string json)
    {
        if (RoutedMessage.TryParse(json) is not { } message)
        {
            LogUnroutable(json.Length);
            return;
        }

        foreach (var subscription in registry.SubscribersOf(message.Topic))
        {
            subscription.Offer(message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped an unroutable push message ({Length} chars)")]
    private partial void LogUnroutable(int length);
}
