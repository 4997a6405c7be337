using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using RealtimeSync.Contracts.Push;

namespace RealtimeSync.Bench;

/// <summary>A lean WebSocket subscriber: counts messages, checks their order, and records commit-to-receipt latency.</summary>
internal sealed class Subscriber : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly List<double> _latencies = [];
    private Task _receiving = Task.CompletedTask;
    private long _lastOffset;
    private int _received;
    private int _outOfOrder;

    public string Instance { get; private set; } = "?";

    public int Received => Volatile.Read(ref _received);

    public int OutOfOrder => Volatile.Read(ref _outOfOrder);

    public IReadOnlyList<double> Latencies
    {
        get
        {
            lock (_latencies)
            {
                return _latencies.ToArray();
            }
        }
    }

    public static async Task<Subscriber> ConnectAsync(Uri gateway, string token, string topic)
    {
        var subscriber = new Subscriber();
        var uri = new UriBuilder(gateway) { Scheme = "ws", Path = "/ws", Query = "access_token=" + Uri.EscapeDataString(token) }.Uri;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await subscriber._socket.ConnectAsync(uri, timeout.Token);
        var subscribed = new TaskCompletionSource();
        subscriber._receiving = subscriber.ReceiveAsync(subscribed);
        await subscriber._socket.SendAsync(Encoding.UTF8.GetBytes($$"""{"type":"subscribe","topics":["{{topic}}"]}"""), WebSocketMessageType.Text, true, timeout.Token);
        await subscribed.Task.WaitAsync(timeout.Token);
        return subscriber;
    }

    public void Reset()
    {
        lock (_latencies)
        {
            _latencies.Clear();
            Volatile.Write(ref _received, 0);
            Volatile.Write(ref _outOfOrder, 0);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        await _receiving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
    }

    private async Task ReceiveAsync(TaskCompletionSource subscribed)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var (length, closed, _) = await WebSocketFrames.ReceiveAsync(_socket, buffer, _closing.Token);
                if (closed)
                {
                    return;
                }

                var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                using var frame = JsonDocument.Parse(buffer.AsMemory(0, length));
                var root = frame.RootElement;
                if (root.TryGetProperty("offset", out var offset))
                {
                    var latency = now - root.GetProperty("timestamp").GetInt64();
                    lock (_latencies)
                    {
                        _outOfOrder += offset.GetInt64() > _lastOffset ? 0 : 1;
                        _lastOffset = offset.GetInt64();
                        _latencies.Add(latency);
                        _received++;
                    }
                }
                else if (root.GetProperty("type").GetString() is "welcome")
                {
                    Instance = root.GetProperty("instance").GetString()!;
                }
                else if (root.GetProperty("type").GetString() is "subscribed")
                {
                    subscribed.TrySetResult();
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
        }
    }
}
