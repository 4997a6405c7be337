using System.Collections.Concurrent;
using System.Net.WebSockets;
using StackExchange.Redis;

// The floor for bench/SideBySide: WebSocket fan-out with nothing but Kestrel and a Redis channel. Every instance
// subscribes the channel and sends each message to each of its sockets in a plain loop; no protocol, no topics,
// no queue per connection.
//   dotnet BareKestrel.dll --urls http://127.0.0.1:5000 --Redis 127.0.0.1:6379
var builder = WebApplication.CreateBuilder(args);
var redis = await ConnectionMultiplexer.ConnectAsync(builder.Configuration["Redis"] ?? "127.0.0.1:6379");
var channel = RedisChannel.Literal("bench:bare");
var sockets = new ConcurrentDictionary<WebSocket, bool>();

// A queue, not a handler: its messages are handled one at a time in order, so no socket ever has two sends at once.
var messages = await redis.GetSubscriber().SubscribeAsync(channel);
messages.OnMessage(async message =>
{
    var frame = (byte[])message.Message!;
    foreach (var socket in sockets.Keys)
    {
        try
        {
            await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException)
        {
            sockets.TryRemove(socket, out _);
        }
    }
});

var app = builder.Build();
app.UseWebSockets();

app.Map("/ws", async (HttpContext http) =>
{
    if (!http.WebSockets.IsWebSocketRequest)
    {
        return Results.BadRequest();
    }

    using var socket = await http.WebSockets.AcceptWebSocketAsync();
    sockets.TryAdd(socket, true);
    try
    {
        // Zero-byte reads: an idle socket holds no receive buffer (as SignalR and push-gateway do), so memory per
        // connection compares. Clients send nothing but their close.
        while ((await socket.ReceiveAsync(Memory<byte>.Empty, http.RequestAborted)).MessageType != WebSocketMessageType.Close)
        {
            await socket.ReceiveAsync(new byte[256], http.RequestAborted);
        }

        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }
    catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
    {
        // the client went away
    }
    finally
    {
        sockets.TryRemove(socket, out _);
    }

    return Results.Empty;
});

app.MapPost("/publish", async (HttpRequest request) =>
{
    using var reader = new StreamReader(request.Body);
    await redis.GetSubscriber().PublishAsync(channel, await reader.ReadToEndAsync());
    return Results.NoContent();
});

// The change-rate round's publish: one message per line, each published after the one before, so the channel keeps
// their order.
app.MapPost("/publish-batch", async (HttpRequest request) =>
{
    using var reader = new StreamReader(request.Body);
    var publisher = redis.GetSubscriber();
    while (await reader.ReadLineAsync() is { } line)
    {
        await publisher.PublishAsync(channel, line);
    }

    return Results.NoContent();
});

app.Run();
