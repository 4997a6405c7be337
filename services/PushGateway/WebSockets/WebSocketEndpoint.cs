using System.Buffers;
using System.Net.WebSockets;
using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using RealtimeSync.Contracts.Documents;
using RealtimeSync.Contracts.Http;
using RealtimeSync.Contracts.Push;
using RealtimeSync.PushGateway.Access;
using RealtimeSync.PushGateway.Delivery;
using RealtimeSync.PushGateway.Http;
using RealtimeSync.PushGateway.Presence;
using RealtimeSync.ServiceDefaults.Auth;
using StackExchange.Redis;

namespace RealtimeSync.PushGateway.WebSockets;

/// <summary>The <c>/ws</c> endpoint: accepts a signed-in client, greets it, subscribes it to its own topics, then serves its commands.</summary>
public static class WebSocketEndpoint
{
    private static readonly TimeSpan OwnTopicsGrace = TimeSpan.FromSeconds(3);

    public static IEndpointRouteBuilder MapWebSocketEndpoint(this IEndpointRouteBuilder app)
    {
        app.Map("/ws", HandleAsync).RequireAuthorization(Policies.Reader).DisableRequestTimeout(); // a connection, not a request
        return app;
    }

    private static async Task<IResult> HandleAsync(
        HttpContext http, SubscriptionRegistry registry, Subscriptions subscriptions, TokenValidator tokens, ConnectionQuota quota, LocalMembers members,
        UserMessages messages, IOptions<PushGatewayOptions> options, IHostApplicationLifetime lifetime)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            return JsonRequestBody.Problem(StatusCodes.Status400BadRequest, "WebSocket upgrade required", "Connect to /ws with a WebSocket client, or use /api/sync/stream (SSE) or /api/sync/poll.");
        }

        var settings = options.Value;
        var subscriber = Subscriber.From(http.User);
        var id = Guid.NewGuid().ToString("N");
        await using var lease = await quota.AdmitAsync(subscriber.UserId, id, AsIs.Instance.Name);
        var lines = http.WebSockets.WebSocketRequestedProtocols.Contains(FrameBatch.SubProtocol);
        using var socket = await http.WebSockets.AcceptWebSocketAsync(lines ? FrameBatch.SubProtocol : null);
        if (lease is null)
        {
            // Accepted only to say why: a browser cannot read the status of a refused upgrade, but it reads a close code.
            await FrameSender.CloseAsync(socket, (CloseCodes.TooManyConnections, $"too_many_connections: at most {quota.Cap} per user"));
            return Results.Empty;
        }

        var connection = new ClientConnection(id, subscriber, settings.SendQueueLimit, AsIs.Instance, settings.SendQueueCharLimit);
        var session = SessionToken.Of(http.User, TimeProvider.System);

        // The connection keeps its HttpContext for its whole life, and with it the validated token and its claims:
        // what it needs of them is in subscriber and session now (a refreshed token replaces the session's).
        http.User = new ClaimsPrincipal(new ClaimsIdentity());
        var presence = members.For(connection);
        registry.Add(connection);

        // Receiving ends when the client goes; sending also ends on overflow or shutdown, and then it is the
        // sender that closes (a cancelled receive would abort the socket and lose the close code). The
        // receiver then waits a bounded time for the client to answer that close.
        using var sendingEnds = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping, connection.EndToken);
        using var receivingEnds = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        var (sending, heartbeats, expiry) = (Task.CompletedTask, Task.CompletedTask, Task.CompletedTask);
        (WebSocketCloseStatus, string) close;
        try
        {
            // Welcome once the own topics stand at their heads: anything sent to this user after it is delivered. They go
            // live after the client's first command, or a short grace: a reconnecting client that resumes them with
            // 'from' replaces them before anything was delivered, so it sees nothing twice and nothing out of order.
            var own = new HeldSubscriptions(await subscriptions.SubscribeAsync(connection, [subscriber.UserTopic, TopicAccess.Broadcast], null, (_, _, _) =>
                connection.Enqueue(Frames.Welcome(connection.Id, settings.InstanceId, subscriber.UserId, settings.HeartbeatInterval, settings.HeartbeatTimeout)),
                sendingEnds.Token, startNow: false), sendingEnds.Token);
            own.ReleaseAfter(OwnTopicsGrace);
            sending = SendThenAwaitCloseAsync();
            heartbeats = connection.SendHeartbeatsAsync(settings.HeartbeatInterval, sendingEnds.Token);
            expiry = session.EnforceAsync(connection, sendingEnds.Token);
            close = await ReceiveAsync(connection, socket, new Commands(subscriptions, registry, session, tokens, presence, messages, settings), own.Release, receivingEnds.Token);
        }
        finally
        {
            await sendingEnds.CancelAsync();
            await Task.WhenAll(sending, heartbeats, expiry).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            connection.Complete();
            registry.Remove(connection);
            await presence.LeaveAllAsync();
        }

        await FrameSender.CloseAsync(socket, close);
        return Results.Empty;

        async Task SendThenAwaitCloseAsync()
        {
            try
            {
                await FrameSender.SendAsync(connection, socket, lines, settings.HeartbeatTimeout, lifetime.ApplicationStopping, http.RequestAborted, sendingEnds.Token);
            }
            finally
            {
                receivingEnds.CancelAfter(FrameSender.CloseHandshakeTimeout);
            }
        }
    }

    private static async Task<(WebSocketCloseStatus, string)> ReceiveAsync(
        ClientConnection connection, WebSocket socket, Commands commands, Action afterCommand, CancellationToken cancellationToken)
    {
        var settings = commands.Settings;
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                // An idle connection holds no receive buffer: a zero-byte read waits for the next frame, and only then is
                // one rented, for as long as the frame takes to read and parse.
                var waited = await socket.ReceiveAsync(Memory<byte>.Empty, cancellationToken);
                if (waited.MessageType == WebSocketMessageType.Close)
                {
                    return (WebSocketCloseStatus.NormalClosure, "bye");
                }

                var buffer = ArrayPool<byte>.Shared.Rent(settings.MaxClientMessageBytes);
                ClientCommand command;
                try
                {
                    var (length, closed, tooBig) = waited.EndOfMessage
                        ? (0, false, false) // an empty message: nothing more to read
                        : await WebSocketFrames.ReceiveAsync(socket, buffer.AsMemory(0, settings.MaxClientMessageBytes), cancellationToken);
                    if (tooBig)
                    {
                        return (CloseCodes.MessageTooBig, $"frames are limited to {settings.MaxClientMessageBytes} bytes");
                    }

                    if (closed)
                    {
                        return (WebSocketCloseStatus.NormalClosure, "bye");
                    }

                    if (!ClientCommand.TryParse(buffer.AsMemory(0, length), out command, out var error))
                    {
                        connection.Enqueue(Frames.Error("invalid_message", error));
                        continue;
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }

                await ApplyAsync(command, connection, commands, cancellationToken);
                afterCommand();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            return (WebSocketCloseStatus.EndpointUnavailable, "connection lost");
        }

        return (WebSocketCloseStatus.NormalClosure, "bye");
    }

    private static async Task ApplyAsync(ClientCommand command, ClientConnection connection, Commands commands, CancellationToken cancellationToken)
    {
        var (subscriptions, registry, session, tokens, presence, messages, settings) = commands;
        switch (command.Type)
        {
            case "auth":
                var (user, invalid) = await tokens.ValidateAsync(command.Token!, cancellationToken);
                var refusal = invalid ?? session.Renew(user!);
                connection.Enqueue(refusal is null ? Frames.Authenticated(session.ExpiresAt) : Frames.Error("invalid_token", refusal));
                break;
            case "ping":
                connection.Enqueue(Frames.Pong());
                break;
            case "subscribe" when connection.Subscriptions.Select(subscription => subscription.Topic).Union(command.Topics).Count() > settings.MaxSubscriptions + TopicList.OwnTopics:
                connection.Enqueue(Frames.Error("too_many_subscriptions", $"at most {settings.MaxSubscriptions} topics per connection"));
                break;
            case "subscribe":
                await subscriptions.SubscribeAsync(connection, command.Topics, command.From, (accepted, refused, heads) =>
                {
                    foreach (var (topic, reason) in refused)
                    {
                        connection.Enqueue(Frames.Error("forbidden_topic", reason, topic));
                    }

                    connection.Enqueue(Frames.Subscribed(accepted, heads));
                }, cancellationToken);
                break;
            case "unsubscribe":
                command.Topics.ToList().ForEach(topic => registry.Unsubscribe(connection, topic));
                connection.Enqueue(Frames.Unsubscribed(command.Topics));
                break;
            case "join":
                await presence.JoinAsync(command.Topic!, command.State);
                break;
            case "leave":
                await presence.LeaveAsync(command.Topic!);
                break;
            case "send":
                connection.Enqueue(await SendAsync(command.Message!, connection, messages));
                break;
        }
    }

    /// <summary>
    /// Seed 004's send over the socket: the same message, rules and log as <c>POST /api/sync/send</c>; answered
    /// <c>sent</c> (or an error frame), and not echoed to this connection.
    /// </summary>
    private static async Task<string> SendAsync(JsonObject body, ClientConnection connection, UserMessages messages)
    {
        if ((DocumentShape.UnstorableText(body) ?? DocumentShape.ShapeProblem(body, envelopeDepth: 1)) is { } unfit)
        {
            return Frames.Error("invalid_message", unfit);
        }

        var (message, errors) = OutgoingMessage.Validate(body);
        if (message is null)
        {
            return Frames.Error("invalid_message", string.Join("; ", errors.Select(error => $"{error.Key}: {string.Join(" ", error.Value)}")));
        }

        if (UserMessages.RecipientTopic(message, connection.Subscriber) is not { } topic)
        {
            return Frames.Error("forbidden_recipient", UserMessages.RecipientRefused);
        }

        try
        {
            var sent = await messages.AppendAsync(message, connection.Subscriber, [topic], connection.Id);
            return Frames.Sent(sent.MessageId, sent.Timestamp, message.CorrelationId);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // HTTP answers this with a 503; the socket stays open and says so.
            return Frames.Error("unavailable", "the message log (Redis) did not answer; nothing was sent, send it again");
        }
    }

    /// <summary>What serving a connection's commands needs.</summary>
    private sealed record Commands(
        Subscriptions Subscriptions, SubscriptionRegistry Registry, SessionToken Session, TokenValidator Tokens, ConnectionPresence Presence, UserMessages Messages,
        PushGatewayOptions Settings);

    /// <summary>WebSocket frames are the JSON itself.</summary>
    private sealed class AsIs : ITransportFormat
    {
        public static readonly AsIs Instance = new();

        public string Name => "websocket";

        public string Message(string json, IReadOnlyDictionary<string, TopicPosition> positions) => json;

        public string Control(string json, IReadOnlyDictionary<string, TopicPosition> positions) => json;
    }
}

/// <summary>WebSocket close codes of the push protocol (4000-4999 is the range RFC 6455 leaves to applications).</summary>
public static class CloseCodes
{
    public const WebSocketCloseStatus TokenExpired = (WebSocketCloseStatus)4001;
    public const WebSocketCloseStatus QueueOverflow = (WebSocketCloseStatus)4008;
    public const WebSocketCloseStatus TooManyConnections = (WebSocketCloseStatus)4029;
    public const WebSocketCloseStatus MessageTooBig = WebSocketCloseStatus.MessageTooBig;
}
