using System.Collections.Concurrent;

namespace RealtimeSync.PushGateway.Delivery;

/// <summary>
/// One topic's subscriptions on this instance. Fan-out reads it without a lock; adding and removing take one, so the
/// remove that empties it and retires it from the index cannot race an add that would then land in a retired set.
/// </summary>
public sealed class TopicSubscribers
{
    private readonly ConcurrentDictionary<string, TopicSubscription> _byConnection = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private bool _retired;

    public int Count => _byConnection.Count;

    public ICollection<TopicSubscription> Values => _byConnection.Values;

    /// <summary>Adds or replaces the connection's subscription; false once the set is retired (the caller takes a fresh one).</summary>
    public bool TryAdd(string connectionId, TopicSubscription subscription)
    {
        lock (_gate)
        {
            if (_retired)
            {
                return false;
            }

            _byConnection[connectionId] = subscription;
            return true;
        }
    }

    /// <summary>Removes the connection's subscription; true when that left the set empty, which retires it for good.</summary>
    public bool RemoveAndRetireIfEmpty(string connectionId)
    {
        lock (_gate)
        {
            if (!_byConnection.TryRemove(connectionId, out _) || !_byConnection.IsEmpty)
            {
                return false;
            }

            _retired = true;
            return true;
        }
    }
}
