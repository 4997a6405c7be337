using RealtimeSync.PushGateway.Access;
using RealtimeSync.PushLog;

namespace RealtimeSync.PushGateway.Delivery;

/// <summary>Subscribes a connection to topics, whatever its transport: checks access, registers for live messages, then replays.</summary>
public sealed class Subscriptions(SubscriptionRegistry registry, TopicAccess access, TopicLog log, ILogger<TopicSubscription> logger)
{
    /// <summary>
    /// Registers each allowed topic before reading its history, so nothing published meanwhile is missed;
    /// calls <paramref name="acknowledge"/> with the accepted and refused topics, then starts the replays in
    /// the background, so the acknowledgement reaches the client before any replayed message.
    /// </summary>
    public void Subscribe(
        ClientConnection connection,
        IEnumerable<string> topics,
        IReadOnlyDictionary<string, TopicPosition>? from,
        Action<IReadOnlyList<string>, IReadOnlyList<(string Topic, string Reason)>> acknowledge,
        CancellationToken cancellationToken)
    {
        var accepted = new List<string>();
        var refused = new List<(string, string)>();
        var starting = new List<(TopicSubscription Subscription, bool Replay)>();
        foreach (var topic in topics.Distinct(StringComparer.Ordinal))
        {
            if (access.Refusal(connection.Subscriber, topic) is { } reason)
            {
                refused.Add((topic, reason));
                continue;
            }

            TopicPosition? position = from is not null && from.TryGetValue(topic, out var found) ? found : null;
            if (position is not null)
            {
                registry.Unsubscribe(connection, topic); // resuming replaces a "from now" subscription (users/<me>, broadcast)
            }

            var subscription = TopicSubscription.Create(topic, position, connection, log, logger, connection.SendQueueLimit);
            if (registry.Subscribe(connection, subscription))
            {
                starting.Add((subscription, position is not null));
            }

            accepted.Add(topic);
        }

        acknowledge(accepted, refused);
        foreach (var (subscription, replay) in starting)
        {
            _ = subscription.StartAsync(replay, cancellationToken);
        }
    }
}
