using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using RealtimeSync.Contracts.Http;
using RealtimeSync.PushGateway.Access;
using RealtimeSync.PushLog;
using RealtimeSync.ServiceDefaults.Auth;

namespace RealtimeSync.PushGateway.Http;

/// <summary>
/// Messages that clients and admins send (seed 004): <c>POST /api/sync/send</c> to a user's topic (your own,
/// so every one of your tabs gets it; another user's only as admin) and <c>POST /api/sync/broadcast</c>
/// (admin) to everyone or to given topics. Both are logged like changes, so they are resumable too.
/// </summary>
public static class SendEndpoints
{
    public static IEndpointRouteBuilder MapSendEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/sync/send", SendAsync).RequireAuthorization(Policies.Reader);
        app.MapPost("/api/sync/broadcast", BroadcastAsync).RequireAuthorization(Policies.Admin);
        return app;
    }

    private static async Task<IResult> SendAsync(HttpContext http, TopicLog log, UserQueues userQueues, IOptions<PushGatewayOptions> options)
    {
        var (message, problem) = await ReadAsync(http, options.Value);
        if (message is null)
        {
            return problem!;
        }

        var sender = Subscriber.From(http.User);
        var recipient = message.To ?? sender.UserId;
        if (recipient != sender.UserId && !sender.Roles.Contains(Roles.Admin))
        {
            return JsonRequestBody.Problem(StatusCodes.Status403Forbidden, "Recipient not allowed", "Only an admin may send to another user; omit 'to' to reach your own tabs.");
        }

        return await AppendAsync(http, log, userQueues, message, sender, [$"users/{recipient}"]);
    }

    private static async Task<IResult> BroadcastAsync(HttpContext http, TopicLog log, UserQueues userQueues, IOptions<PushGatewayOptions> options)
    {
        var (message, problem) = await ReadAsync(http, options.Value);
        return message is null
            ? problem!
            : await AppendAsync(http, log, userQueues, message, Subscriber.From(http.User), message.Topics.Count > 0 ? message.Topics : [TopicAccess.Broadcast]);
    }

    private static async Task<(OutgoingMessage?, IResult?)> ReadAsync(HttpContext http, PushGatewayOptions settings)
    {
        var (body, problem) = await JsonRequestBody.ReadObjectAsync(http.Request, settings.MaxClientMessageBytes);
        if (problem is not null)
        {
            return (null, problem);
        }

        var (message, errors) = OutgoingMessage.Validate(body!);
        return message is not null
            ? (message, null)
            : (null, Results.ValidationProblem(errors, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Invalid message"));
    }

    private static async Task<IResult> AppendAsync(HttpContext http, TopicLog log, UserQueues userQueues, OutgoingMessage message, Subscriber sender, IReadOnlyList<string> topics)
    {
        var id = "msg_" + Guid.NewGuid().ToString("N");
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var body = new JsonObject
        {
            ["id"] = id,
            ["type"] = message.Type,
            ["payload"] = message.Payload.DeepClone(),
            ["timestamp"] = timestamp,
            ["userId"] = sender.UserId,
            ["correlationId"] = message.CorrelationId,
            ["origin"] = http.Request.Headers["X-Connection-Id"].FirstOrDefault(),
        };
        await log.AppendAsync(id, topics, body.ToJsonString());
        await userQueues.NoteAppendAsync(topics);
        return Results.Ok(new { success = true, messageId = id, timestamp, topics });
    }
}
