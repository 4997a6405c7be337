using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
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
        var outbox = app.MapGroup(basePath).RequireAuthorization(Policies.Admin);
        outbox.MapGet("/set-aside", ListAsync);
        outbox.MapPost("/set-aside/resend", async (SetAsideRows rows, CancellationToken cancellationToken) =>
            Results.Accepted(value: new { resent = await rows.ResendAllAsync(cancellationToken) }));
        outbox.MapPost("/events/{eventId:guid}/resend", async (Guid eventId, SetAsideRows rows, OutboxOptions options, CancellationToken cancellationToken) =>
            await rows.ResendEventAsync(eventId, cancellationToken)
                ? Results.Accepted(value: new { eventId, resent = 1 })
                : JsonRequestBody.Problem(StatusCodes.Status404NotFound, "Unknown event",
                    $"The outbox holds no row for event {eventId}; published rows are deleted {options.Retention.TotalHours:0.#} h after they went out."));
        return app;
    }

    private static async Task<IResult> ListAsync(int? limit, SetAsideRows rows, OutboxOptions options, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 1000)
        {
            return JsonRequestBody.Problem(StatusCodes.Status400BadRequest, "Invalid limit", "'limit' is 1 to 1000.");
        }

        var (count, page) = await rows.ListAsync(limit ?? 100, cancellationToken);
        return Results.Ok(new { schema = options.Schema, count, rows = page });
    }
}
