using RealtimeSync.PushGateway.Delivery;

namespace RealtimeSync.PushGateway.Presence;

/// <summary>
/// Sends <c>{"type":"presence","event":"snapshot"}</c> for a connection's subscribed presence topics: after each subscribe
/// (an empty one too, so a client knows its view is current), and again when this instance may have missed events.
/// </summary>
public sealed partial class PresenceSnapshots(PresenceStore store, ILogger<PresenceSnapshots> logger)
{
    /// <summary>
    /// After <c>subscribed</c>: a snapshot for each accepted presence topic. <paramref name="fresh"/> are the subscriptions just
    /// made, whose gates hold since they registered; the others (subscribed before) are held now.
    /// </summary>
    public Task AfterSubscribeAsync(ClientConnection connection, IReadOnlyCollection<string> accepted, IReadOnlyCollection<TopicSubscription> fresh)
    {
        var topics = accepted.ToHashSet(StringComparer.Ordinal);
        var subscriptions = connection.Subscriptions.Where(subscription => topics.Contains(subscription.Topic) && PresenceTopics.Holds(subscription.Topic)).ToList();
        subscriptions.Except(fresh).ToList().ForEach(subscription => subscription.Presence.Hold());
        return Task.WhenAll(subscriptions.Select(subscription => SendAsync(subscription.Topic, [(connection, subscription)])));
    }

    /// <summary>
    /// A fresh snapshot for every presence subscription of <paramref name="connections"/> (events may have been lost): one
    /// read per topic however many connections hold it, so a reconnect does not burst Redis with the same read.
    /// </summary>
    public Task ResendAsync(IEnumerable<ClientConnection> connections) =>
        Task.WhenAll(connections
            .SelectMany(connection => connection.Subscriptions
                .Where(subscription => PresenceTopics.Holds(subscription.Topic))
                .Select(subscription =>
                {
                    subscription.Presence.Hold();
                    return (connection, subscription);
                }))
            .GroupBy(held => held.subscription.Topic, StringComparer.Ordinal)
            .Select(topic => SendAsync(topic.Key, topic.ToList())));

    /// <summary>Reads <paramref name="topic"/>'s members once and opens each held subscription's gate with the snapshot (or tells it why not).</summary>
    private async Task SendAsync(string topic, IReadOnlyList<(ClientConnection Connection, TopicSubscription Subscription)> held)
    {
        string? snapshot = null;
        try
        {
            snapshot = PresenceFrames.Snapshot(topic, await store.MembersAsync(topic));
        }
        catch (Exception ex) when (PresenceStore.IsUnanswered(ex))
        {
            LogUnreadable(ex, topic);
            foreach (var (connection, _) in held)
            {
                connection.Enqueue(Frames.Error("presence_unavailable", "presence could not be read (Redis did not answer); events that follow still come", topic));
            }
        }
        finally
        {
            foreach (var (_, subscription) in held)
            {
                subscription.Presence.Open(snapshot);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Presence snapshot of '{Topic}' unreadable (Redis); the client is told")]
    private partial void LogUnreadable(Exception exception, string topic);
}
