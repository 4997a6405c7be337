using System.Collections.Concurrent;

namespace RealtimeSync.PushGateway.Connections;

/// <summary>This instance's connections, indexed by topic for fan-out.</summary>
public sealed class SubscriptionRegistry
{
    private readonly ConcurrentDictionary<string, ClientConnection> _connections = new();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, ClientConnection>> _byTopic = new(StringComparer.Ordinal);

    public int ConnectionCount => _connections.Count;

    public int SubscriptionCount => _byTopic.Values.Sum(subscribers => subscribers.Count);

    public void Add(ClientConnection connection) => _connections[connection.Id] = connection;

    public void Remove(ClientConnection connection)
    {
        _connections.TryRemove(connection.Id, out _);
        foreach (var topic in connection.Topics)
        {
            Unsubscribe(connection, topic);
        }
    }

    public void Subscribe(ClientConnection connection, string topic)
    {
        connection.AddTopic(topic);
        _byTopic.GetOrAdd(topic, _ => new ConcurrentDictionary<string, ClientConnection>())[connection.Id] = connection;
    }

    public void Unsubscribe(ClientConnection connection, string topic)
    {
        connection.RemoveTopic(topic);
        if (_byTopic.TryGetValue(topic, out var subscribers))
        {
            subscribers.TryRemove(connection.Id, out _);
        }
    }

    /// <summary>This instance's subscribers of <paramref name="topic"/>.</summary>
    public IEnumerable<ClientConnection> SubscribersOf(string topic) =>
        _byTopic.TryGetValue(topic, out var subscribers) ? subscribers.Values : [];
}
