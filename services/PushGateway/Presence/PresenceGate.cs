using RealtimeSync.PushGateway.Delivery;

namespace RealtimeSync.PushGateway.Presence;

/// <summary>
/// One subscription's presence events, held while a snapshot of its topic is read (from the moment a new subscription
/// registers) and let through after it: no event newer than a snapshot reaches the client before it. An event older than
/// the snapshot that arrives after it does no harm, since a client replaces a member on join or update and removes it on
/// leave, in order. What is held is bounded by the send queue: more, and the client is cut off like any slow one.
/// </summary>
public sealed class PresenceGate(ClientConnection connection, bool held)
{
    private readonly object _lock = new();
    private readonly List<string> _held = [];
    private int _holds = held ? 1 : 0;

    /// <summary>A new subscription's gate: held until its first snapshot when its topic has presence.</summary>
    public static PresenceGate For(string topic, ClientConnection connection) => new(connection, PresenceTopics.Holds(topic));

    public void Offer(string frame)
    {
        lock (_lock)
        {
            if (_holds == 0)
            {
                connection.Enqueue(frame);
            }
            else if (_held.Count < connection.SendQueueLimit)
            {
                _held.Add(frame);
            }
            else
            {
                connection.End(EndReason.Overflow);
            }
        }
    }

    /// <summary>Holds events until the matching <see cref="Open"/>.</summary>
    public void Hold()
    {
        lock (_lock)
        {
            _holds++;
        }
    }

    /// <summary>Queues <paramref name="snapshot"/> (null when it could not be read), then, once nothing holds the gate, the events held.</summary>
    public void Open(string? snapshot)
    {
        lock (_lock)
        {
            if (snapshot is not null)
            {
                connection.Enqueue(snapshot);
            }

            if (_holds > 0 && --_holds == 0)
            {
                _held.ForEach(frame => connection.Enqueue(frame));
                _held.Clear();
            }
        }
    }
}
