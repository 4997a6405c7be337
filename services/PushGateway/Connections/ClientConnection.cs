using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;

namespace RealtimeSync.PushGateway.Connections;

/// <summary>
/// One client's WebSocket and its bounded send queue. Producers (Redis fan-out, replies) only enqueue;
/// one sender loop writes to the socket, so a slow client never blocks fan-out to the others.
/// </summary>
public sealed class ClientConnection(string id, WebSocket socket, int sendQueueLimit)
{
    private readonly Channel<string> _sendQueue = Channel.CreateBounded<string>(
        new BoundedChannelOptions(sendQueueLimit) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly HashSet<string> _topics = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _overflow = new();

    public string Id { get; } = id;

    public WebSocket Socket { get; } = socket;

    /// <summary>Set when the send queue overflowed; the connection is then closed with <see cref="CloseCodes.QueueOverflow"/>.</summary>
    public bool Overflowed { get; private set; }

    public int QueuedFrames => _sendQueue.Reader.Count;

    public IReadOnlyCollection<string> Topics
    {
        get
        {
            lock (_topics)
            {
                return _topics.ToArray();
            }
        }
    }

    public bool AddTopic(string topic)
    {
        lock (_topics)
        {
            return _topics.Add(topic);
        }
    }

    public bool RemoveTopic(string topic)
    {
        lock (_topics)
        {
            return _topics.Remove(topic);
        }
    }

    /// <summary>Queues a frame; false (and the connection marked for closing) when the client cannot keep up.</summary>
    public bool Enqueue(string frame)
    {
        if (_sendQueue.Writer.TryWrite(frame))
        {
            return true;
        }

        Overflowed = true;
        _sendQueue.Writer.TryComplete();
        _overflow.Cancel();
        return false;
    }

    public void CompleteSending() => _sendQueue.Writer.TryComplete();

    /// <summary>Writes queued frames until the queue completes or the connection ends.</summary>
    public async Task RunSenderAsync(CancellationToken cancellationToken)
    {
        // An overflow stops sending at once: what is still queued is dropped, and the client resumes from its offsets.
        using var sending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _overflow.Token);
        try
        {
            await foreach (var frame in _sendQueue.Reader.ReadAllAsync(sending.Token))
            {
                if (Socket.State != WebSocketState.Open)
                {
                    return;
                }

                await Socket.SendAsync(Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, endOfMessage: true, sending.Token);
            }
        }
        catch (OperationCanceledException) when (Overflowed)
        {
        }
    }
}

/// <summary>WebSocket close codes of the push protocol (4000-4999 is the range RFC 6455 leaves to applications).</summary>
public static class CloseCodes
{
    public const WebSocketCloseStatus QueueOverflow = (WebSocketCloseStatus)4008;
    public const WebSocketCloseStatus InvalidMessage = (WebSocketCloseStatus)4400;
    public const WebSocketCloseStatus MessageTooBig = WebSocketCloseStatus.MessageTooBig;
}
