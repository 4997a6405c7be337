using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Options;
using RealtimeSync.PushGateway.Connections;
using RealtimeSync.ServiceDefaults.Http;

namespace RealtimeSync.PushGateway.WebSockets;

/// <summary>The <c>/ws</c> endpoint: accepts a client, greets it, then reads its commands until it leaves.</summary>
public static class WebSocketEndpoint
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapWebSocketEndpoint(this IEndpointRouteBuilder app)
    {
        app.Map("/ws", HandleAsync);
        return app;
    }

    private static async Task<IResult> HandleAsync(HttpContext http, SubscriptionRegistry registry, IOptions<PushGatewayOptions> options, IHostApplicationLifetime lifetime)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            return JsonRequestBody.Problem(StatusCodes.Status400BadRequest, "WebSocket upgrade required", "Connect to /ws with a WebSocket client.");
        }

        var settings = options.Value;
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        var connection = new ClientConnection(Guid.NewGuid().ToString("N"), socket, settings.SendQueueLimit);
        registry.Add(connection);
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        try
        {
            connection.Enqueue(Frame(new { type = "welcome", connectionId = connection.Id, instance = settings.InstanceId }));
            var sender = connection.RunSenderAsync(ending.Token);
            var closeStatus = await ReceiveLoopAsync(connection, registry, settings, ending.Token);
            connection.CompleteSending();
            await sender.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await CloseAsync(socket, connection.Overflowed ? (CloseCodes.QueueOverflow, "send queue overflow: resume from your offsets") : closeStatus);
        }
        finally
        {
            registry.Remove(connection);
        }

        return Results.Empty;
    }

    private static async Task<(WebSocketCloseStatus, string)> ReceiveLoopAsync(
        ClientConnection connection, SubscriptionRegistry registry, PushGatewayOptions settings, CancellationToken cancellationToken)
    {
        var buffer = new byte[settings.MaxClientMessageBytes];
        while (connection.Socket.State == WebSocketState.Open && !connection.Overflowed)
        {
            var length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                if (length == buffer.Length)
                {
                    return (CloseCodes.MessageTooBig, $"frames are limited to {settings.MaxClientMessageBytes} bytes");
                }

                try
                {
                    result = await connection.Socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
                }
                catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
                {
                    return (WebSocketCloseStatus.EndpointUnavailable, "server shutting down");
                }

                length += result.Count;
            }
            while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (WebSocketCloseStatus.NormalClosure, "bye");
            }

            if (!ClientCommand.TryParse(buffer.AsSpan(0, length), out var command, out var error))
            {
                connection.Enqueue(Frame(new { type = "error", code = "invalid_message", message = error }));
                continue;
            }

            Apply(command, connection, registry, settings);
        }

        return (WebSocketCloseStatus.NormalClosure, "bye");
    }

    private static void Apply(ClientCommand command, ClientConnection connection, SubscriptionRegistry registry, PushGatewayOptions settings)
    {
        switch (command.Type)
        {
            case "ping":
                connection.Enqueue(Frame(new { type = "pong" }));
                break;
            case "subscribe" when connection.Topics.Union(command.Topics).Count() > settings.MaxSubscriptions:
                connection.Enqueue(Frame(new { type = "error", code = "too_many_subscriptions", message = $"at most {settings.MaxSubscriptions} topics per connection" }));
                break;
            case "subscribe":
                command.Topics.ToList().ForEach(topic => registry.Subscribe(connection, topic));
                connection.Enqueue(Frame(new { type = "subscribed", topics = command.Topics }));
                break;
            case "unsubscribe":
                command.Topics.ToList().ForEach(topic => registry.Unsubscribe(connection, topic));
                connection.Enqueue(Frame(new { type = "unsubscribed", topics = command.Topics }));
                break;
        }
    }

    private static async Task CloseAsync(WebSocket socket, (WebSocketCloseStatus Status, string Reason) close)
    {
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await socket.CloseOutputAsync(close.Status, close.Reason, timeout.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private static string Frame(object value) => JsonSerializer.Serialize(value, Json);
}
