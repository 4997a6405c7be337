using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using RealtimeSync.Contracts.Http;
using RealtimeSync.ServiceDefaults.Auth;

namespace RealtimeSync.Outbox;

/// <summary>
/// Admin endpoints over the outbox below <c>basePath</c>, the same in every writer:
/// <c>GET {basePath}/set-aside</c> lists the rows set aside, <c>POST {basePath}/set-aside/resend</c> re-sends them all,
/// <c>POST {basePath}/events/{eventId}/resend</c> re-sends one row, set aside or published and still kept.
/// </summary>
public static class SetAsideEndpoints
{
    public static IEndpointRouteBuilder MapOutboxEndpoints(this IEndpointRouteBuilder app, string basePath)
    {
        var outbox = app.MapGroup(basePath).RequireAuthorization(Policies.Admin).WithTags("Outbox (admin)");
        outbox.MapGet("/set-aside", ListAsync)
            .WithSummary("The changes set aside")
            .WithDescription("Outbox rows the dispatcher set aside after Outbox:MaxAttempts failures of their own (decision 0012), oldest first, "
                + "at most `limit` (1-1000, default 100), and how many there are in all.")
            .Answers<RouteHandlerBuilder, SetAsideList>(StatusCodes.Status200OK, "The rows set aside.")
            .Refuses(StatusCodes.Status400BadRequest, "`limit` outside 1-1000, or not a number.");
        outbox.MapPost("/set-aside/resend", async (SetAsideRows rows, CancellationToken cancellationToken) =>
                TypedResults.Accepted((string?)null, new ResendAnswer(null, await rows.ResendAllAsync(cancellationToken))))
            .WithSummary("Send every set-aside change again")
            .WithDescription("Puts every set-aside row back in the queue, once its cause is fixed; the dispatcher publishes them in order.")
            .Answers<RouteHandlerBuilder, ResendAnswer>(StatusCodes.Status202Accepted, "How many rows go out again.");
        outbox.MapPost("/events/{eventId:guid}/resend", async (Guid eventId, SetAsideRows rows, OutboxOptions options, CancellationToken cancellationToken) =>
                await rows.ResendEventAsync(eventId, cancellationToken)
                    ? TypedResults.Accepted((string?)null, new ResendAnswer(eventId, 1))
                    : JsonRequestBody.Problem(StatusCodes.Status404NotFound, "Unknown event",
                        $"The outbox holds no row for event {eventId}; published rows are deleted {options.Retention.TotalHours:0.#} h after they were written."))
            .WithSummary("Send one change again")
            .WithDescription("Re-sends the outbox row of one event, set aside or published and still kept (Outbox:Retention): "
                + "how an operator replays an event change-notifier set aside (its entry names the writer as `event.source`).")
            .Answers<RouteHandlerBuilder, ResendAnswer>(StatusCodes.Status202Accepted, "The row goes out again.")
            .Refuses(StatusCodes.Status400BadRequest, "`eventId` is not a GUID.")
            .Refuses(StatusCodes.Status404NotFound, "The outbox holds no row for that event (published rows are deleted after Outbox:Retention).");
        return app;
    }

    private static async Task<IResult> ListAsync(int? limit, SetAsideRows rows, OutboxOptions options, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 1000)
        {
            return JsonRequestBody.Problem(StatusCodes.Status400BadRequest, "Invalid limit", "'limit' is 1 to 1000.");
        }

        var (count, page) = await rows.ListAsync(limit ?? 100, cancellationToken);
        return TypedResults.Ok(new SetAsideList(options.Schema, count, page));
    }
}

/// <summary>The rows set aside in one writer's outbox (<c>schema</c>): how many in all, and the oldest of them.</summary>
public sealed record SetAsideList(string Schema, long Count, IReadOnlyList<SetAsideRow> Rows);

/// <summary>How many outbox rows go out again (and, for one event, which).</summary>
public sealed record ResendAnswer([property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Guid? EventId, long Resent);
