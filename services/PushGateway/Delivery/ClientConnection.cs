using System.Threading.Channels;
using RealtimeSync.PushGateway.Access;

namespace RealtimeSync.PushGateway.Delivery;

/// <summary>
/// One client connection, whatever its transport (WebSocket or Server-Sent Events): its subscriptions and a
/// bounded queue of frames. Producers only enqueue; the transport's one sender loop writes, so a slow client
/// never slows fan-out to others, and one that falls <see cref="PushGatewayOptions.SendQueueLimit"/> frames
/// behind is cut off (it resumes from its offsets) instead of growing memory.
/// </summary>
public sealed class ClientConnection(string id, Subscriber subscriber, int sendQueueLimit, ITransportFormat format)
{
    private readonly Channel<string> _queue = Channel.CreateBounded<string>(
        new BoundedChannelOptions(sendQueueLimit) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly Dictionary<string, TopicSubscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TopicPosition> _positions = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _overflow = new();

    public string Id { get; } = id;

    public Subscriber Subscriber { get; } = subscriber;

    /// <summary>"websocket" or "sse", for status.</summary>
    public string Transport => format.Name;

    public bool Overflowed => _overflow.IsCancellationRequested;

    /// <summary>Cancelled when the queue overflowed: the transport stops sending and closes.</summary>
    public CancellationToken OverflowToken => _overflow.Token;

    public ChannelReader<string> Frames => _queue.Reader;

    public int QueuedFrames => _queue.Reader.Count;

    public IReadOnlyCollection<TopicSubscription> Subscriptions
    {
        get
        {
            lock (_subscriptions)
            {
                return _subscriptions.Values.ToArray();
            }
        }
    }

    public TopicSubscription? Subscription(string topic)
    {
        lock (_subscriptions)
        {
            return _subscriptions.GetValueOrDefault(topic);
        }
    }

    public bool TryAdd(TopicSubscription subscription)
    {
        lock (_subscriptions)
        {
            return _subscriptions.TryAdd(subscription.Topic, subscription);
        }
    }

    public TopicSubscription? Remove(string topic)
    {
        lock (_subscriptions)
        {
            return _subscriptions.Remove(topic, out var removed) ? removed : null;
        }
    }

    /// <summary>Queues a control frame (welcome, error, heartbeat...).</summary>
    public bool Enqueue(string frame) => EnqueueFormatted(format.Control(frame));

    private bool EnqueueFormatted(string frame)
    {
        if (_queue.Writer.TryWrite(frame))
        {
            return true;
        }

        _queue.Writer.TryComplete();
        _overflow.Cancel();
        return false;
    }

    /// <summary>Queues a change message and records the connection's position on its topic, in one step so a cursor never runs ahead of the queue.</summary>
    public void Deliver(RoutedMessage message, string json)
    {
        lock (_positions)
        {
            _positions[message.Topic] = new TopicPosition(message.Epoch, message.Offset);
            EnqueueFormatted(format.Message(json, _positions));
        }
    }

    /// <summary>Moves the connection's position without a message (after a resync, to where the topic stands).</summary>
    public void Reposition(string topic, TopicPosition position)
    {
        lock (_positions)
        {
            _positions[topic] = position;
        }
    }

    public void Complete() => _queue.Writer.TryComplete();
}

/// <summary>How a transport frames what it sends: WebSocket sends JSON as is; SSE adds event names and a resume cursor.</summary>
public interface ITransportFormat
{
    string Name { get; }

    string Message(string json, IReadOnlyDictionary<string, TopicPosition> positions);

    string Control(string json);
}

/// <summary>Where a reader stands on one topic.</summary>
public readonly record struct TopicPosition(string Epoch, long Offset);
