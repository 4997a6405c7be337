using System.ComponentModel;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using RealtimeSync.Contracts.Http;
using RealtimeSync.OdooIngest.Sync;

namespace RealtimeSync.OdooIngest.Streams;

/// <summary>
/// <c>POST /api/ingest/hints/{stream}?secret=…</c>: the target of Odoo's "Send Webhook Notification" automation
/// action. A hint only starts the stream's run at once (hints that arrive while one is pending are one run); its
/// body is never read, since what it says could be forged or stale: the run reads Odoo as every run does, and
/// polling on the stream's interval stays the safety net for a hint that never comes.
/// </summary>
public static class HintEndpoint
{
    public static IEndpointRouteBuilder MapHintEndpoint(this IEndpointRouteBuilder app)
    {
        // Anonymous to the token scheme (Odoo cannot send a JWT): the shared secret is the credential.
        app.MapPost("/api/ingest/hints/{stream}", Hint).AllowAnonymous().WithTags("Ingest")
            .WithSummary("Odoo's webhook: a stream's records changed")
            .WithDescription("The target of Odoo's \"Send Webhook Notification\" automation action: starts the stream's run at once. Its body is never read "
                + "(it could be forged or stale); the run reads Odoo as every run does. No token: `?secret=` (Hints__Secret) is the credential.")
            .Answers<RouteHandlerBuilder, RunAccepted>(StatusCodes.Status202Accepted, "The run is due.")
            .Refuses(StatusCodes.Status401Unauthorized, "`secret` is missing or wrong.")
            .Refuses(StatusCodes.Status404NotFound, "Hints are off (no Hints__Secret), or no such stream.")
            .Refuses(StatusCodes.Status409Conflict, "No Odoo is configured (Odoo__Url).");
        return app;
    }

    private static IResult Hint(string stream, [Description("odoo-ingest's Hints__Secret, as put in the webhook's URL.")] string? secret, StreamScheduler scheduler, IOptions<HintOptions> options)
    {
        if (string.IsNullOrEmpty(options.Value.Secret))
        {
            return JsonRequestBody.Problem(StatusCodes.Status404NotFound, "Hints are off", "Set Hints__Secret on odoo-ingest and put it in the webhook's URL as ?secret=.");
        }

        if (secret is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(options.Value.Secret)))
        {
            return JsonRequestBody.Problem(StatusCodes.Status401Unauthorized, "Wrong hint secret", "The webhook URL must carry ?secret= with odoo-ingest's Hints__Secret.");
        }

        if (!scheduler.OdooConfigured)
        {
            return JsonRequestBody.Problem(StatusCodes.Status409Conflict, "No Odoo configured", "Set Odoo__Url (and credentials) to sync.");
        }

        return scheduler.Trigger(stream)
            ? TypedResults.Accepted((string?)null, new RunAccepted(stream, true))
            : JsonRequestBody.Problem(StatusCodes.Status404NotFound, "Unknown stream", $"No stream '{stream}'; known: {string.Join(", ", scheduler.Streams.Keys)}.");
    }
}
