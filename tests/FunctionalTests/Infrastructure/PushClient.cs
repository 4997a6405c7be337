using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using RealtimeSync.Contracts.Push;

namespace RealtimeSync.FunctionalTests.Infrastructure;

/// <summary>
/// A WebSocket client of the push protocol, as a frontend would be: connect through the gateway with a token,
/// subscribe, read frames. Frames are kept in arrival order; waiting for one kind never discards another.
/// </summary>
public sealed class PushClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly List<JsonObject> _backlog = [];
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly CancellationTokenSource _closing = new();
    private Task _receiving = Task.CompletedTask;
    private bool _ended;

    public string ConnectionId { get; private set; } = string.Empty;

    /// <summary>The push-gateway replica that accepted this connection (from the welcome frame).</summary>
    public string Instance { get; private set; } = string.Empty;

    /// <summary>The welcome frame: connection id, instance, and the heartbeat contract.</summary>
    public JsonObject Welcome { get; private set; } = [];

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseReason => _socket.CloseStatusDescription;

    public bool IsOpen => _socket.State == WebSocketState.Open && !_ended;

    /// <summary>The subprotocol the server accepted (empty for none).</summary>
    public string SubProtocol => _socket.SubProtocol ?? string.Empty;

    /// <summary>Connects and waits for the welcome; with <paramref name="lines"/>, asks for line-packed messages (<c>realtimesync.lines</c>).</summary>
    public static async Task<PushClient> ConnectAsync(Uri uri, string token, bool lines = false)
    {
        var client = new PushClient();
        if (lines)
        {
            client._socket.Options.AddSubProtocol("realtimesync.lines");
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await client._socket.ConnectAsync(new UriBuilder(uri) { Query = "access_token=" + Uri.EscapeDataString(token) }.Uri, timeout.Token);
        client._receiving = client.ReceiveAsync();
        var welcome = await client.NextAsync(frame => Type(frame) == "welcome", TimeSpan.FromSeconds(10));
        client.Welcome = welcome;
        client.ConnectionId = (string)welcome["connectionId"]!;
        client.Instance = (string)welcome["instance"]!;
        return client;
    }

    /// <summary>Subscribes and returns the acknowledgement; <paramref name="from"/> resumes topics at (epoch, offset).</summary>
    public async Task<JsonObject> SubscribeAsync(string[] topics, IReadOnlyDictionary<string, (string Epoch, long Offset)>? from = null)
    {
        var frame = new JsonObject { ["type"] = "subscribe", ["topics"] = new JsonArray(topics.Select(topic => (JsonNode?)topic).ToArray()) };
        if (from is not null)
        {
            frame["from"] = new JsonObject(from.Select(pair => KeyValuePair.Create(pair.Key, (JsonNode?)new JsonObject { ["epoch"] = pair.Value.Epoch, ["offset"] = pair.Value.Offset })));
        }

        await SendAsync(frame);
        return await NextAsync(reply => Type(reply) == "subscribed", TimeSpan.FromSeconds(10));
    }

    public Task<JsonObject> SubscribeAsync(params string[] topics) => SubscribeAsync(topics, null);

    public async Task SendAsync(JsonObject frame) => await SendTextAsync(frame.ToJsonString());

    public async Task SendTextAsync(string text)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, timeout.Token);
    }

    /// <summary>The next change message (a frame with a topic and an offset).</summary>
    public Task<JsonObject> NextMessageAsync(TimeSpan timeout) => NextAsync(IsMessage, timeout);

    /// <summary>The next frame of a control type (error, resync, pong...).</summary>
    public Task<JsonObject> NextControlAsync(string type, TimeSpan timeout) => NextAsync(frame => Type(frame) == type, timeout);

    /// <summary>The next presence frame on <paramref name="topic"/> whose event is <paramref name="presenceEvent"/> (snapshot, join, update, leave).</summary>
    public Task<JsonObject> NextPresenceAsync(string topic, string presenceEvent, TimeSpan timeout) =>
        NextAsync(frame => Type(frame) == "presence" && (string?)frame["topic"] == topic && (string?)frame["event"] == presenceEvent, timeout);

    /// <summary>The next <paramref name="count"/> change messages, in arrival order.</summary>
    public async Task<List<JsonObject>> MessagesAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var messages = new List<JsonObject>();
        while (messages.Count < count)
        {
            var left = deadline - DateTime.UtcNow;
            try
            {
                messages.Add(await NextMessageAsync(left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1)));
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"Got {messages.Count} of {count} messages within {timeout.TotalSeconds:0}s on {ConnectionId} ({Instance}).");
            }
        }

        return messages;
    }

    /// <summary>Every change message that arrives until none has come for <paramref name="quiet"/>.</summary>
    public async Task<List<JsonObject>> DrainMessagesAsync(TimeSpan quiet)
    {
        var messages = new List<JsonObject>();
        while (true)
        {
            try
            {
                messages.Add(await NextMessageAsync(quiet));
            }
            catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
            {
                return messages; // quiet, or the connection ended with nothing more queued
            }
        }
    }

    /// <summary>Waits until the server closes the connection (or it drops).</summary>
    public async Task WaitClosedAsync(TimeSpan timeout) => await _receiving.WaitAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await _closing.CancelAsync();
        await _receiving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
    }

    /// <summary>The frames one message carries: one JSON, or one per line in the lines subprotocol.</summary>
    private static List<JsonObject> FramesOf(ReadOnlySpan<byte> message)
    {
        var frames = new List<JsonObject>();
        foreach (var line in message.Split((byte)'\n'))
        {
            frames.Add(JsonNode.Parse(message[line])!.AsObject());
        }

        return frames;
    }

    public static string? Type(JsonObject frame) => (string?)frame["type"];

    /// <summary>The protocol's one rule: a frame whose type is not a control frame's is a message.</summary>
    public static bool IsMessage(JsonObject frame) => !ControlFrames.IsControl(Type(frame));

    private async Task<JsonObject> NextAsync(Func<JsonObject, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            lock (_backlog)
            {
                var index = _backlog.FindIndex(frame => match(frame));
                if (index >= 0)
                {
                    var frame = _backlog[index];
                    _backlog.RemoveAt(index);
                    return frame;
                }

                if (_ended)
                {
                    throw new InvalidOperationException($"Connection {ConnectionId} ended: {_socket.CloseStatus} {_socket.CloseStatusDescription}");
                }
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _arrived.WaitAsync(left))
            {
                throw new TimeoutException($"No matching frame within {timeout.TotalSeconds:0.#}s on connection {ConnectionId} ({Instance}).");
            }
        }
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[256 * 1024];
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var (length, closed, _) = await WebSocketFrames.ReceiveAsync(_socket, buffer, _closing.Token);
                if (closed)
                {
                    break;
                }

                var frames = FramesOf(buffer.AsSpan(0, length));
                lock (_backlog)
                {
                    _backlog.AddRange(frames);
                }

                _arrived.Release(frames.Count);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
        }
        finally
        {
            lock (_backlog)
            {
                _ended = true;
            }

            _arrived.Release();
        }
    }
}
