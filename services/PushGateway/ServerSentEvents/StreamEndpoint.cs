using System.ComponentModel;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using RealtimeSync.Contracts.Http;
using RealtimeSync.PushGateway.Access;
using RealtimeSync.PushGateway.Delivery;
using RealtimeSync.PushGateway.Http;
using RealtimeSync.ServiceDefaults.Auth;

namespace RealtimeSync.PushGateway.ServerSentEvents;

/// <summary>
/// <c>GET /api/sync/stream?topics=a,b</c>: the same messages as the WebSocket, one way, as Server-Sent Events,
/// for clients and proxies that cannot use WebSocket. Each change's event id is a cursor of every topic's
/// position, so a reconnecting EventSource (which sends <c>Last-Event-ID</c>) resumes on any instance.
/// </summary>
public static class StreamEndpoint
{
    public static IEndpointRouteBuilder MapStreamEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/sync/stream", HandleAsync).RequireAuthorization(Policies.Reader).WithTags("Sync")
            .WithSummary("Messages as Server-Sent Events")
            .WithDescription("The WebSocket's messages, one way, for clients and proxies without WebSocket: each change as `event: message` whose `id:` "
                + "is a cursor of every topic's position (a reconnecting EventSource sends it back as `Last-Event-ID` and resumes on any instance), "
                + "control frames as named events (`welcome`, `subscribed`, `heartbeat`, `resync`). Browsers send the token as `?access_token=`. "
                + "The stream ends when its token expires: reconnect with a new one. (The WebSocket itself, `/ws`, is described in docs/architecture.md.)")
            .Answers<RouteHandlerBuilder, string>(StatusCodes.Status200OK, "The event stream, until the client leaves, the token expires or the server stops.", "text/event-stream")
            .Refuses(StatusCodes.Status400BadRequest, "An invalid `Last-Event-ID`, an invalid topic name, or more topics than PushGateway:MaxSubscriptions.")
            .Refuses(StatusCodes.Status403Forbidden, "A topic the user may not read.")
            .Refuses(StatusCodes.Status429TooManyRequests, "The user holds PushGateway:MaxConnectionsPerUser push connections already (WebSocket or event stream), or is over the gateway's request limit.")
            .DisableRequestTimeout(); // a stream, not a request
        return app;
    }

    private static async Task<IResult> HandleAsync(
        HttpContext http,
        [Description("Comma-separated topics; your own topic and `broadcast` always come too.")] string? topics,
        [Description("Where to resume when the `Last-Event-ID` header cannot be sent: an event id this stream gave.")] string? lastEventId, SubscriptionRegistry registry, Subscriptions subscriptions, TopicAccess access,
        ConnectionQuota quota, IOptions<PushGatewayOptions> options, IHostApplicationLifetime lifetime)
    {
        var subscriber = Subscriber.From(http.User);
        var (requested, problem) = TopicList.Read(topics, subscriber, access, options.Value.MaxSubscriptions);
        if (problem is not null)
        {
            return problem;
        }

        if (!Cursor.TryDecode(http.Request.Headers["Last-Event-ID"].FirstOrDefault() ?? lastEventId, out var from))
        {
            return JsonRequestBody.Problem(StatusCodes.Status400BadRequest, "Invalid Last-Event-ID", "Send back an event id this stream gave you, or none.");
        }

        var all = requested.Concat([subscriber.UserTopic, TopicAccess.Broadcast]).Concat(from.Keys.Where(topic => access.Refusal(subscriber, topic) is null))
            .Distinct(StringComparer.Ordinal).ToList();
        if (TopicList.TooMany(all.Count, options.Value.MaxSubscriptions) is { } tooMany)
        {
            return tooMany;
        }

        var id = Guid.NewGuid().ToString("N");
        await using var lease = await quota.AdmitAsync(subscriber.UserId, id, SseFormat.Instance.Name);
        if (lease is null)
        {
            return JsonRequestBody.Problem(StatusCodes.Status429TooManyRequests, "Too many connections",
                $"At most {quota.Cap} push connections (WebSocket or event stream) per user at once; close one before opening another.");
        }

        var settings = options.Value;
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no"; // tell buffering proxies to pass events through at once
        var connection = new ClientConnection(id, subscriber, settings.SendQueueLimit, SseFormat.Instance, settings.SendQueueCharLimit);
        registry.Add(connection);
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping, connection.EndToken);
        try
        {
            await http.Response.WriteAsync($"retry: 2000\n\n", ending.Token);
            connection.Enqueue(Frames.Welcome(connection.Id, settings.InstanceId, subscriber.UserId, settings.HeartbeatInterval, settings.HeartbeatTimeout));
            await subscriptions.SubscribeAsync(connection, all, from, (accepted, _, heads) => connection.Enqueue(Frames.Subscribed(accepted, heads)), ending.Token);
            var beating = connection.SendHeartbeatsAsync(settings.HeartbeatInterval, ending.Token);
            // An event stream cannot take a fresh token: it ends when its token expires, and EventSource reconnects with a new one.
            _ = SessionToken.Of(http.User, TimeProvider.System).EnforceAsync(connection, ending.Token);
            await foreach (var frame in connection.Frames.ReadAllAsync(ending.Token))
            {
                await http.Response.WriteAsync(frame, ending.Token);
                await http.Response.Body.FlushAsync(ending.Token);
            }

            await beating.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        catch (OperationCanceledException)
        {
            // The client left, the server stops, its token expired, or it fell too far behind: it reconnects with Last-Event-ID.
        }
        finally
        {
            connection.Complete();
            registry.Remove(connection);
        }

        return Results.Empty;
    }

    /// <summary>Change messages carry the resume cursor as their id; control frames are named events.</summary>
    private sealed class SseFormat : ITransportFormat
    {
        public static readonly SseFormat Instance = new();

        public string Name => "sse";

        public string Message(string json, IReadOnlyDictionary<string, TopicPosition> positions) =>
            $"id: {Cursor.Encode(positions)}\nevent: message\ndata: {json}\n\n";

        /// <summary>Control frames carry the cursor too, so a heartbeat keeps Last-Event-ID current even on quiet topics.</summary>
        public string Control(string json, IReadOnlyDictionary<string, TopicPosition> positions)
        {
            using var document = JsonDocument.Parse(json);
            var type = document.RootElement.GetProperty("type").GetString();
            var frame = new StringBuilder();
            if (positions.Count > 0)
            {
                frame.Append("id: ").Append(Cursor.Encode(positions)).Append('\n');
            }

            return frame.Append("event: ").Append(type).Append("\ndata: ").Append(json).Append("\n\n").ToString();
        }
    }
}
