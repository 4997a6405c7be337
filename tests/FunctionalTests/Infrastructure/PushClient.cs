using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace RealtimeSync.FunctionalTests.Infrastructure;

/// <summary>A WebSocket client of the push protocol, as a frontend would be: connect through the gateway, subscribe, read frames.</summary>
public sealed class PushClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly Channel<JsonObject> _frames = Channel.CreateUnbounded<JsonObject>();
    private readonly CancellationTokenSource _closing = new();
    private Task _receiving = Task.CompletedTask;

    public string ConnectionId { get; private set; } = string.Empty;

    /// <summary>The push-gateway replica that accepted this connection (from the welcome frame).</summary>
    public string Instance { get; private set; } = string.Empty;

    public static async Task<PushClient> ConnectAsync(Uri uri)
    {
        var client = new PushClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await client._socket.ConnectAsync(uri, timeout.Token);
        client._receiving = client.ReceiveAsync();
        var welcome = await client.NextAsync(frame => (string?)frame["type"] == "welcome", TimeSpan.FromSeconds(10));
        client.ConnectionId = (string)welcome["connectionId"]!;
        client.Instance = (string)welcome["instance"]!;
        return client;
    }

    public async Task SubscribeAsync(params string[] topics)
    {
        await SendAsync(new JsonObject { ["type"] = "subscribe", ["topics"] = new JsonArray(topics.Select(topic => (JsonNode?)topic).ToArray()) });
        await NextAsync(frame => (string?)frame["type"] == "subscribed", TimeSpan.FromSeconds(10));
    }

    public async Task SendAsync(JsonObject frame)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _socket.SendAsync(Encoding.UTF8.GetBytes(frame.ToJsonString()), WebSocketMessageType.Text, true, timeout.Token);
    }

    /// <summary>The next change message (a frame with a topic and an offset), or a timeout failure.</summary>
    public Task<JsonObject> NextMessageAsync(TimeSpan timeout) => NextAsync(IsMessage, timeout);

    /// <summary>Every change message that arrives until none has come for <paramref name="quiet"/>.</summary>
    public async Task<List<JsonObject>> DrainMessagesAsync(TimeSpan quiet)
    {
        var messages = new List<JsonObject>();
        while (true)
        {
            using var wait = new CancellationTokenSource(quiet);
            try
            {
                var frame = await _frames.Reader.ReadAsync(wait.Token);
                if (IsMessage(frame))
                {
                    messages.Add(frame);
                }
            }
            catch (OperationCanceledException)
            {
                return messages;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await _receiving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
    }

    private static bool IsMessage(JsonObject frame) => frame["topic"] is not null && frame["offset"] is not null;

    private async Task<JsonObject> NextAsync(Func<JsonObject, bool> match, TimeSpan timeout)
    {
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var frame = await _frames.Reader.ReadAsync(wait.Token);
                if (match(frame))
                {
                    return frame;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No matching frame within {timeout.TotalSeconds:0}s on connection {ConnectionId} ({Instance}).");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"Connection {ConnectionId} closed: {_socket.CloseStatus} {_socket.CloseStatusDescription}");
        }
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[256 * 1024];
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(length), _closing.Token);
                    length += result.Count;
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                _frames.Writer.TryWrite(JsonNode.Parse(buffer.AsSpan(0, length))!.AsObject());
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
        }
        finally
        {
            _frames.Writer.TryComplete();
        }
    }
}
