using System.Collections.Concurrent;

namespace RealtimeSync.PushGateway.Delivery;

/// <summary>This instance's connections, and their subscriptions indexed by topic for fan-out.</summary>
public sealed class SubscriptionRegistry
{
    private readonly ConcurrentDictionary<string, ClientConnection> _connections = new();
    private readonly ConcurrentDictionary<string, TopicSubscribers> _byTopic = new(StringComparer.Ordinal);
    private long _accepted;

    public int ConnectionCount => _connections.Count;

    public IEnumerable<ClientConnection> Connections => _connections.Values;

    /// <summary>Connections accepted since this instance started.</summary>
    public long AcceptedTotal => Interlocked.Read(ref _accepted);

    public int SubscriptionCount => _byTopic.Values.Sum(subscribers => subscribers.Count);

    public void Add(ClientConnection connection)
    {
        _connections[connection.Id] = connection;
        Interlocked.Increment(ref _accepted);
    }

    public void Remove(ClientConnection connection)
    {
        _connections.TryRemove(connection.Id, out _);
        foreach (var subscription in connection.Subscriptions)
        {
            Unsubscribe(connection, subscription.Topic);
        }
    }

    /// <summary>Adds a subscription to the fan-out; false if the connection already has this topic.</summary>
    public bool Subscribe(ClientConnection connection, TopicSubscription subscription)
    {
        if (!connection.TryAdd(subscription))
        {
            return false;
        }

        while (true)
        {
            var subscribers = _byTopic.GetOrAdd(subscription.Topic, _ => new TopicSubscribers());
            if (subscribers.TryAdd(connection.Id, subscription))
            {
                return true;
            }

            // A concurrent unsubscribe emptied and retired this set: take it out of the index (if that unsubscribe has
            // not yet) and add to its successor.
            _byTopic.TryRemove(KeyValuePair.Create(subscription.Topic, subscribers));
        }
    }

    /// <summary>Removes the subscription, and the topic's index once nobody holds it, so the index does not grow with every topic ever viewed.</summary>
    public void Unsubscribe(ClientConnection connection, string topic)
    {
        connection.Remove(topic)?.Close();
        if (_byTopic.TryGetValue(topic, out var subscribers) && subscribers.RemoveAndRetireIfEmpty(connection.Id))
        {
            _byTopic.TryRemove(KeyValuePair.Create(topic, subscribers));
        }
    }

    /// <summary>Topics with at least one subscriber on this instance.</summary>
    public int TopicCount => _byTopic.Count;

    /// <summary>Whether a subscription here holds <paramref name="topic"/>, looked up without making a string of it.</summary>
    public bool HasSubscribers(ReadOnlySpan<char> topic) => _byTopic.GetAlternateLookup<ReadOnlySpan<char>>().ContainsKey(topic);

    public IEnumerable<TopicSubscription> SubscribersOf(string topic) =>
        _byTopic.TryGetValue(topic, out var subscribers) ? subscribers.Values : [];
}
