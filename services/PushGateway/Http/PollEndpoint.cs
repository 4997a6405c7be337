using System.ComponentModel;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using RealtimeSync.Contracts.Http;
using RealtimeSync.PushGateway.Access;
using RealtimeSync.PushGateway.Delivery;
using RealtimeSync.PushLog;
using RealtimeSync.ServiceDefaults.Auth;

namespace RealtimeSync.PushGateway.Http;

/// <summary>
/// <c>GET /api/sync/poll</c>, seed 004's polling fallback, compatible with its clients: <c>?since=&lt;ms&gt;</c>
/// returns what the reader's topics logged after that time (the user's own topic and broadcasts always
/// included); <c>?cursor=</c> is the gapless form: what came after the positions the last answer's
/// <c>cursor</c> recorded, with <c>resync</c> entries for topics whose history is gone.
/// </summary>
public static class PollEndpoint
{
    private const int PerTopicLimit = 1000;

    public static IEndpointRouteBuilder MapPollEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/sync/poll", PollAsync).RequireAuthorization(Policies.Reader).WithTags("Sync")
            .WithSummary("Poll for messages (the fallback without WebSocket or SSE)")
            .WithDescription("`?since=<ms>`: the messages logged after that time on the given topics, the user's own topic (`users/<me>`) and `broadcast`. "
                + "`?cursor=` (from the previous answer) is the gapless form: what came after the positions it records, with `resync` entries for "
                + "topics whose history is gone (reload them). Messages from the caller's own push connection (`connectionId`) are left out.")
            .Answers<RouteHandlerBuilder, PollAnswer>(StatusCodes.Status200OK, "The messages, the time to poll `since` next, and the cursor.")
            .Refuses(StatusCodes.Status400BadRequest, "A cursor this API did not give, `since` below 0 or not a number, an invalid topic name, or more topics than PushGateway:MaxSubscriptions.")
            .Refuses(StatusCodes.Status403Forbidden, "A topic the user may not read (Topics configuration).");
        return app;
    }

    private static async Task<IResult> PollAsync(
        HttpContext http,
        [Description("Unix time in milliseconds: messages logged after it (seed 004's form).")] long? since,
        [Description("The previous answer's `cursor`: what came after its positions, gapless.")] string? cursor,
        [Description("Comma-separated topics (`records/<collection>`, `records/<collection>/<id>`, `users/<id>`, `broadcast`); your own topic and `broadcast` always come too.")] string? topics,
        [Description("Your push connection's id: its own changes are left out.")] string? connectionId,
        TopicLog log, TopicAccess access, IOptions<PushGatewayOptions> options)
    {
        var subscriber = Subscriber.From(http.User);
        if (!Cursor.TryDecode(cursor, out var positions))
        {
            return JsonRequestBody.Problem(StatusCodes.Status400BadRequest, "Invalid cursor", "Send back a cursor this API gave you, or none.");
        }

        if (since < 0)
        {
            return JsonRequestBody.Problem(StatusCodes.Status400BadRequest, "Invalid since", "'since' is a Unix time in milliseconds, 0 or more.");
        }

        var (topicList, problem) = TopicList.Read(topics, subscriber, access, options.Value.MaxSubscriptions, [subscriber.UserTopic, TopicAccess.Broadcast, .. positions.Keys]);
        if (problem is not null)
        {
            return problem;
        }

        var gapless = cursor is not null;
        var now = await log.NowAsync(); // read before the topics: anything logged later is newer than this answer's timestamp
        var messages = new List<RoutedMessage>();
        var resync = new JsonArray();
        var next = new Dictionary<string, TopicPosition>(StringComparer.Ordinal);
        foreach (var topic in topicList)
        {
            var read = !gapless
                ? await log.ReadSinceAsync(topic, since ?? 0, PerTopicLimit)
                : positions.TryGetValue(topic, out var position)
                    ? await log.ReadAfterAsync(topic, position.Epoch, position.Offset, PerTopicLimit)
                    : new TopicRead((await log.HeadsAsync([topic]))[0], [], HistoryGone: false); // a new topic starts where it stands

            var routed = read.Messages.Select(logged => RoutedMessage.TryParse(logged.Json)).OfType<RoutedMessage>().ToList();
            messages.AddRange(routed);
            if (read.HistoryGone)
            {
                resync.Add(new JsonObject { ["topic"] = topic, ["reason"] = "history gone or epoch changed", ["epoch"] = read.Head.Epoch, ["offset"] = read.Head.Offset });
            }

            next[topic] = routed.Count > 0
                ? new TopicPosition(routed[^1].Epoch, routed[^1].Offset)
                : new TopicPosition(read.Head.Epoch ?? string.Empty, read.HistoryGone || !gapless || !positions.ContainsKey(topic) ? read.Head.Offset : positions[topic].Offset);
        }

        // Per topic in offset order; writers' clocks may disagree, so their timestamps never reorder a topic.
        var visible = messages
            .Where(message => message.Origin is null || message.Origin != connectionId)
            .OrderBy(message => message.Topic, StringComparer.Ordinal).ThenBy(message => message.Offset)
            .Select(message => JsonNode.Parse(TopicAccess.ForSubscriber(message, subscriber)))
            .ToArray();
        return Results.Ok(new JsonObject
        {
            ["success"] = true,
            ["messages"] = new JsonArray(visible),
            ["timestamp"] = now,
            ["count"] = visible.Length,
            ["cursor"] = Cursor.Encode(next),
            ["resync"] = resync,
        });
    }
}
