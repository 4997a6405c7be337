using RealtimeSync.PushGateway.Access;
using RealtimeSync.PushGateway.Presence;
using RealtimeSync.PushLog;

namespace RealtimeSync.PushGateway.Delivery;

/// <summary>Subscribes a connection to topics, whatever its transport: checks access, registers for live messages, then replays.</summary>
public sealed partial class Subscriptions(SubscriptionRegistry registry, TopicAccess access, TopicLog log, PresenceSnapshots presence, ILogger<TopicSubscription> logger)
{
    /// <summary>
    /// Registers each allowed topic before reading anything, so nothing published meanwhile is missed. A topic
    /// subscribed "from now" starts at the head read before the acknowledgement: whatever the client does after
    /// the acknowledgement comes after that head, and a message published before it (still in flight on pub/sub)
    /// is not mistaken for a new one. Then calls <paramref name="acknowledge"/> with the accepted and refused
    /// topics and starts the replays in the background, so the acknowledgement reaches the client first, and
    /// sends each accepted presence topic's snapshot.
    /// When the topic log cannot be read the connection ends, and the client resumes elsewhere or later.
    /// </summary>
    /// <returns>The new subscriptions; with <paramref name="startNow"/> false they hold live messages until started.</returns>
    public async Task<IReadOnlyList<TopicSubscription>> SubscribeAsync(
        ClientConnection connection,
        IEnumerable<string> topics,
        IReadOnlyDictionary<string, TopicPosition>? from,
        Action<IReadOnlyList<string>, IReadOnlyList<(string Topic, string Reason)>, IReadOnlyList<TopicHead>> acknowledge,
        CancellationToken cancellationToken,
        bool startNow = true)
    {
        var accepted = new List<string>();
        var refused = new List<(string, string)>();
        var starting = new List<TopicSubscription>();
        var fromNow = new List<TopicSubscription>();
        var overtaken = new List<TopicSubscription>();
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
                // Resuming replaces a "from now" subscription (users/<me>, broadcast), unless that one has already delivered
                // past where the resume could pick up: it then stays and the client is told to resync.
                if (connection.Find(topic) is { } current && !current.CloseForResume(position.Value))
                {
                    overtaken.Add(current);
                    accepted.Add(topic);
                    continue;
                }

                registry.Unsubscribe(connection, topic);
            }

            var subscription = TopicSubscription.Create(topic, position, connection, log, logger, connection.SendQueueLimit);
            if (registry.Subscribe(connection, subscription))
            {
                starting.Add(subscription);
                if (position is null)
                {
                    fromNow.Add(subscription);
                }
            }

            accepted.Add(topic);
        }

        IReadOnlyList<TopicHead> heads = [];
        if (fromNow.Count > 0)
        {
            try
            {
                heads = await log.HeadsAsync(fromNow.Select(subscription => subscription.Topic).ToList());
                fromNow.Zip(heads).ToList().ForEach(pair => pair.First.StartAt(pair.Second));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogHeadsUnreadable(ex, connection.Id);
                starting.ForEach(subscription => registry.Unsubscribe(connection, subscription.Topic));
                connection.End(EndReason.ReplayFailed);
                return [];
            }
        }

        acknowledge(accepted, refused, heads);
        overtaken.ForEach(subscription => subscription.ResyncOvertakenResume());
        if (startNow)
        {
            starting.ForEach(subscription => _ = subscription.StartAsync(cancellationToken));
        }

        await presence.AfterSubscribeAsync(connection, accepted, starting);
        return starting;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read topic heads to subscribe connection {ConnectionId}; ending it so the client resumes")]
    private partial void LogHeadsUnreadable(Exception exception, string connectionId);
}
