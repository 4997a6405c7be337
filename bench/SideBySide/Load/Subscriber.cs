using System.Diagnostics;
using System.Net.WebSockets;

namespace RealtimeSync.Bench.SideBySide.Load;

/// <summary>
/// One raw <see cref="ClientWebSocket"/> of the load generator, the same for every system: its <see cref="Dialect"/> says
/// how to open the conversation, keep it alive and read a message; the subscriber counts what comes in the current
/// <see cref="Tally"/>.
/// </summary>
internal sealed class Subscriber : IAsyncDisposable
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);
    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sending = new(1, 1); // a WebSocket takes one send at a time: keep-alives and replies share it
    private readonly CancellationTokenSource _closing = new();
    private readonly Dialect _dialect;
    private byte[] _buffer = new byte[4096]; // grows for a larger message; most are a few hundred bytes
    private Task _receiving = Task.CompletedTask;
    private Task _keepingAlive = Task.CompletedTask;
    private Tally? _tally;

    private Subscriber(Dialect dialect) => _dialect = dialect;

    /// <summary>The server instance it landed on, when the system says (RealtimeSync's welcome); else what the system assigned.</summary>
    public string Instance { get; set; } = "?";

    /// <summary>Why the server ended the conversation, if it did (a close, a protocol error).</summary>
    public string? Ended { get; private set; }

    public bool IsOpen => _socket.State == WebSocketState.Open && Ended is null;

    public static async Task<Subscriber> ConnectAsync(Uri uri, string instance, Dialect dialect, CancellationToken cancellationToken)
    {
        var subscriber = new Subscriber(dialect) { Instance = instance };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        dialect.Configure(subscriber._socket.Options);
        try
        {
            await subscriber._socket.ConnectAsync(uri, timeout.Token);
            await dialect.OpenAsync(subscriber, timeout.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            await subscriber.DisposeAsync();
            throw new TimeoutException($"{dialect.Name}: {uri.GetLeftPart(UriPartial.Path)} did not open within 30 s", ex);
        }
        catch
        {
            await subscriber.DisposeAsync();
            throw;
        }

        subscriber._receiving = subscriber.ReceiveAsync();
        if (dialect.KeepAlive is { } keepAlive)
        {
            subscriber._keepingAlive = subscriber.KeepAliveAsync(keepAlive.Frame, keepAlive.Interval);
        }

        return subscriber;
    }

    /// <summary>From now on, messages count in <paramref name="tally"/> (null: counted nowhere).</summary>
    public void CountIn(Tally? tally) => Volatile.Write(ref _tally, tally);

    public void Deliver(in Delivery delivery, int frameBytes) => Volatile.Read(ref _tally)?.Record(delivery, frameBytes);

    public async Task SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        await _sending.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>One whole message, while the conversation opens (before the receive loop runs).</summary>
    public async Task<ReadOnlyMemory<byte>> ReceiveOneAsync(CancellationToken cancellationToken)
    {
        var length = await ReadMessageAsync(cancellationToken);
        return length < 0 ? throw new WebSocketException($"closed while opening: {_socket.CloseStatus} {_socket.CloseStatusDescription}") : _buffer.AsMemory(0, length);
    }

    public void End(string reason) => Ended ??= reason;

    /// <summary>Closes as a client does (a close frame, the server's answer), then drops the socket.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(CloseTimeout);
                await _sending.WaitAsync(timeout.Token);
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
                await _receiving.WaitAsync(timeout.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException or WebSocketException or ObjectDisposedException)
        {
            // the server did not answer the close in time: dropped all the same
        }

        await _closing.CancelAsync();
        await Task.WhenAll(_receiving, _keepingAlive).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
        _closing.Dispose();
    }

    private async Task ReceiveAsync()
    {
        try
        {
            while (true)
            {
                var length = await ReadMessageAsync(_closing.Token);
                if (length < 0)
                {
                    End($"closed by the server: {_socket.CloseStatus} {_socket.CloseStatusDescription}");
                    return;
                }

                var tally = Volatile.Read(ref _tally);
                var before = tally?.Received ?? 0;
                if (_dialect.Read(this, _buffer.AsSpan(0, length), Stopwatch.GetTimestamp()) is { } reply)
                {
                    await SendAsync(reply, _closing.Token);
                }

                if (tally is not null && tally.Received > before)
                {
                    tally.CountFrame();
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            End(_closing.IsCancellationRequested ? "closed" : $"lost: {ex.Message}");
        }
    }

    /// <summary>The length of the next whole message in <see cref="_buffer"/>; -1 for the server's close.</summary>
    private async Task<int> ReadMessageAsync(CancellationToken cancellationToken)
    {
        var length = 0;
        while (true)
        {
            if (length == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }

            var result = await _socket.ReceiveAsync(_buffer.AsMemory(length), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return -1;
            }

            length += result.Count;
            if (result.EndOfMessage)
            {
                return length;
            }
        }
    }

    private async Task KeepAliveAsync(ReadOnlyMemory<byte> frame, TimeSpan interval)
    {
        try
        {
            // A random first tick, so thousands of connections do not all ping in the same instant.
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * interval.TotalMilliseconds), _closing.Token);
            using var timer = new PeriodicTimer(interval);
            do
            {
                await SendAsync(frame, _closing.Token);
            }
            while (await timer.WaitForNextTickAsync(_closing.Token));
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // the connection ends
        }
    }
}
