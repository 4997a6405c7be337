using Microsoft.Extensions.Options;
using RealtimeSync.PushGateway.Delivery;
using StackExchange.Redis;

namespace RealtimeSync.PushGateway.Presence;

/// <summary>
/// Listens on <see cref="PresenceStore.Channel"/> (its own channel: presence is not part of any topic's log) and hands each
/// event to this instance's subscriptions of its topic, in publish order. Events published while the subscription connection
/// was down are gone, so when it comes back every presence subscription gets a fresh snapshot instead.
/// </summary>
public sealed partial class PresenceFanout(
    IConnectionMultiplexer redis, SubscriptionRegistry registry, PresenceSnapshots snapshots, IOptions<PushGatewayOptions> options, ILogger<PresenceFanout> logger)
    : RedisChannelListener(redis, PresenceStore.Channel, options.Value.FanoutBacklogLimit, logger)
{
    protected override void Receive(string message) => Offer(message);

    protected override Task CatchUpAsync() => snapshots.ResendAsync(registry.Connections);

    private void Offer(string frame)
    {
        if (PresenceFrames.TopicOf(frame) is not { } topic)
        {
            LogUnroutable(frame.Length);
            return;
        }

        foreach (var subscription in registry.SubscribersOf(topic))
        {
            subscription.Presence.Offer(frame);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped a presence event that names no topic ({Length} chars)")]
    private partial void LogUnroutable(int length);
}
