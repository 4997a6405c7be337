using Microsoft.Extensions.Options;
using RealtimeSync.Contracts.Http;
using RealtimeSync.PushGateway.Access;
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
        Body(app.MapPost("/api/sync/send", SendAsync).RequireAuthorization(Policies.Reader)
                .WithSummary("Send a message to your tabs (or, as admin, to a user)")
                .WithDescription("Logs the message to `users/<to>` (your own when `to` is absent): every connection of that user gets it, "
                    + "over WebSocket, SSE or polling, resumably like a change.")
                .Takes<RouteHandlerBuilder, SendRequest>())
            .Refuses(StatusCodes.Status403Forbidden, "`to` names another user and the token lacks the admin role.");
        Body(app.MapPost("/api/sync/broadcast", BroadcastAsync).RequireAuthorization(Policies.Admin)
            .WithSummary("Broadcast a message (admin)")
            .WithDescription("Logs the message to `broadcast` (everyone is subscribed to it), or to the given `topics`.")
            .Takes<RouteHandlerBuilder, BroadcastRequest>());
        return app;
    }

    /// <summary>What both share: the answer, and the ways their body can be wrong.</summary>
    private static RouteHandlerBuilder Body(RouteHandlerBuilder endpoint) => endpoint.WithTags("Sync")
        .Answers<RouteHandlerBuilder, SendAnswer>(StatusCodes.Status200OK, "The message was logged: its id, time and topics.")
        .RefusesJsonBody("application/json", "PushGateway:MaxClientMessageBytes",
            "A wrong or unknown field (`errors` names each: `type` must be a dotted name and not a control frame's type, `payload` an object), or a payload nested too deep (`maxDepth`).");

    private static async Task<IResult> SendAsync(HttpContext http, UserMessages messages, IOptions<PushGatewayOptions> options)
    {
        var (message, problem) = await ReadAsync(http, options.Value);
        if (message is null)
        {
            return problem!;
        }

        var sender = Subscriber.From(http.User);
        return UserMessages.RecipientTopic(message, sender) is { } topic
            ? TypedResults.Ok(await messages.AppendAsync(message, sender, [topic], Origin(http)))
            : JsonRequestBody.Problem(StatusCodes.Status403Forbidden, "Recipient not allowed", UserMessages.RecipientRefused);
    }

    private static async Task<IResult> BroadcastAsync(HttpContext http, UserMessages messages, IOptions<PushGatewayOptions> options)
    {
        var (message, problem) = await ReadAsync(http, options.Value);
        return message is null
            ? problem!
            : TypedResults.Ok(await messages.AppendAsync(message, Subscriber.From(http.User), message.Topics.Count > 0 ? message.Topics : [TopicAccess.Broadcast], Origin(http)));
    }

    private static string? Origin(HttpContext http) => http.Request.Headers["X-Connection-Id"].FirstOrDefault();

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
}
