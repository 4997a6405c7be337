using System.Diagnostics;
using System.Threading.Channels;
using RealtimeSync.PushGateway.Access;

namespace RealtimeSync.PushGateway.Delivery;

/// <summary>
/// One client connection, whatever its transport (WebSocket or Server-Sent Events): its subscriptions and a
/// bounded queue of frames. Producers only enqueue; the transport's one sender loop writes, so a slow client
/// never slows fan-out to others, and one that falls <see cref="PushGatewayOptions.SendQueueLimit"/> frames
/// (or <see cref="PushGatewayOptions.SendQueueCharLimit"/> characters) behind is cut off (it resumes from its offsets)
/// instead of growing memory.
/// </summary>
public sealed class ClientConnection(string id, Subscriber subscriber, int sendQueueLimit, ITransportFormat format, long sendQueueCharLimit = long.MaxValue)
{
    private static readonly TimeSpan RoomTimeout = TimeSpan.FromSeconds(30);
    private readonly SendQueue _queue = new(sendQueueLimit, sendQueueCharLimit);
    private readonly Dictionary<string, TopicSubscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TopicPosition> _positions = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _ending = new();
    private readonly SemaphoreSlim _replayTurn = new(1, 1);
    private int _endReason;

    public string Id { get; } = id;

    public Subscriber Subscriber { get; } = subscriber;

    /// <summary>"websocket" or "sse", for status.</summary>
    public string Transport => format.Name;

    public int SendQueueLimit => sendQueueLimit;

    public EndReason Ended => (EndReason)Volatile.Read(ref _endReason);

    /// <summary>Cancelled when the server ends the connection (<see cref="Ended"/> says why): the transport stops and closes.</summary>
    public CancellationToken EndToken => _ending.Token;

    public ChannelReader<string> Frames => _queue;

    public int QueuedFrames => _queue.Count;

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

    public bool TryAdd(TopicSubscription subscription)
    {
        lock (_subscriptions)
        {
            return _subscriptions.TryAdd(subscription.Topic, subscription);
        }
    }

    public TopicSubscription? Find(string topic)
    {
        lock (_subscriptions)
        {
            return _subscriptions.GetValueOrDefault(topic);
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
    public bool Enqueue(string frame)
    {
        lock (_positions)
        {
            return EnqueueFormatted(format.Control(frame, _positions));
        }
    }

    /// <summary>
    /// Queues a change message, the next of its topic, and records the connection's position on that topic in one step, so
    /// a cursor never runs ahead of the queue. A message this connection wrote is not echoed back to it (seed 002), and
    /// fields restricted to roles it lacks are taken out. A full queue ends the connection (<see cref="EndReason.Overflow"/>).
    /// </summary>
    public void Deliver(RoutedMessage message) => Queue(message, overflowEnds: true, out _);

    /// <summary>
    /// Queues a replayed message like <see cref="Deliver"/> if the queue takes it now; false, with nothing changed, when it
    /// would not fit (a replay waits for room in <see cref="ReplayTurnAsync"/> instead of overflowing its own client);
    /// <paramref name="needed"/> is then the characters of the frame it refused, cursor and transport framing included.
    /// </summary>
    public bool TryReplay(RoutedMessage message, out int needed) => Queue(message, overflowEnds: false, out needed);

    private bool Queue(RoutedMessage message, bool overflowEnds, out int needed)
    {
        needed = 0;
        if (message.Origin is not null && message.Origin == Id)
        {
            Reposition(message.Topic, new TopicPosition(message.Epoch, message.Offset));
            return true;
        }

        var json = TopicAccess.ForSubscriber(message, Subscriber);
        lock (_positions)
        {
            var had = _positions.TryGetValue(message.Topic, out var before);
            _positions[message.Topic] = new TopicPosition(message.Epoch, message.Offset);
            var frame = format.Message(json, _positions);
            if (overflowEnds ? EnqueueFormatted(frame) : _queue.TryWrite(frame))
            {
                PushTelemetry.Deliveries.Add(1, new KeyValuePair<string, object?>("realtimesync.push.transport", format.Name));
                return true;
            }

            needed = frame.Length;
            if (had)
            {
                _positions[message.Topic] = before; // not queued: the cursor stays where the queue is
            }
            else
            {
                _positions.Remove(message.Topic);
            }

            return false;
        }
    }

    /// <summary>Moves the connection's position without a message (after a resync, or where a subscription starts).</summary>
    public void Reposition(string topic, TopicPosition position)
    {
        lock (_positions)
        {
            _positions[topic] = position;
        }
    }

    /// <summary>
    /// One replay page at a time per connection, with room for it in the queue: topics catching up together
    /// (a resume of many topics) would otherwise each see room and together overflow their own client.
    /// <paramref name="chars"/> is the size of the frame refused last time (<see cref="TryReplay"/>). Dispose the turn once the page is delivered.
    /// </summary>
    public async Task<IDisposable> ReplayTurnAsync(int frames, int chars, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, EndToken);
        if (!await _replayTurn.WaitAsync(RoomTimeout, linked.Token))
        {
            End(EndReason.Overflow); // another topic's replay has waited this long for the client to read
            throw new OperationCanceledException(EndToken);
        }

        try
        {
            await WaitForRoomAsync(frames, chars, cancellationToken);
            return new ReplayTurn(_replayTurn);
        }
        catch
        {
            _replayTurn.Release();
            throw;
        }
    }

    /// <summary>Waits until the queue has room for <paramref name="frames"/> more and for a frame of <paramref name="chars"/> (an empty queue takes any).</summary>
    private async Task WaitForRoomAsync(int frames, int chars, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (_queue.Count > sendQueueLimit - frames || (_queue.Count > 0 && _queue.Chars + chars > sendQueueCharLimit))
        {
            if (clock.Elapsed > RoomTimeout)
            {
                End(EndReason.Overflow);
            }

            EndToken.ThrowIfCancellationRequested();
            await Task.Delay(20, cancellationToken);
        }
    }

    public void End(EndReason reason)
    {
        if (Interlocked.CompareExchange(ref _endReason, (int)reason, (int)EndReason.None) == (int)EndReason.None)
        {
            if (reason == EndReason.Overflow)
            {
                PushTelemetry.Overflows.Add(1, new KeyValuePair<string, object?>("realtimesync.push.transport", format.Name));
            }

            // Cancel first: a sender waiting on an empty queue must see the ending (and close with its code), not a quietly completed queue.
            _ending.Cancel();
            _queue.Complete();
        }
    }

    /// <summary>
    /// The transport has ended: the queue takes nothing more, and replays still waiting for room or for their turn stop
    /// now. A message offered after this is not counted as an overflow (see <see cref="EndReason.Closed"/>).
    /// </summary>
    public void Complete() => End(EndReason.Closed);

    /// <summary>Queues a heartbeat every <paramref name="interval"/> until the connection ends, whatever its transport.</summary>
    public async Task SendHeartbeatsAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            Enqueue(PushGateway.Delivery.Frames.Heartbeat());
        }
    }

    private bool EnqueueFormatted(string frame)
    {
        if (_queue.TryWrite(frame))
        {
            return true;
        }

        End(EndReason.Overflow);
        return false;
    }
}
