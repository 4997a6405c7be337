using System.ComponentModel;
using Npgsql;
using RealtimeSync.Contracts.Http;
using RealtimeSync.OdooIngest.Sync;
using RealtimeSync.ServiceDefaults.Auth;

namespace RealtimeSync.OdooIngest.Streams;

/// <summary>Seed 001's SyncState and SyncLog over HTTP, and a way to run a stream now.</summary>
public static class IngestEndpoints
{
    public static IEndpointRouteBuilder MapIngestEndpoints(this IEndpointRouteBuilder app)
    {
        // Operational detail (Odoo's database name and uuid, last errors, failures) is for admins.
        var ingest = app.MapGroup("/api/ingest").WithTags("Ingest");
        ingest.MapGet("/streams", StreamsAsync).RequireAuthorization(Policies.Admin)
            .WithSummary("The sync streams and their state")
            .WithDescription("Every configured stream (Ingest:Streams): its Odoo model and child relations, whether it is running now, "
                + "and seed 001's SyncState (watermark, lag, scan position, last error, failed records).")
            .Answers<RouteHandlerBuilder, StreamsAnswer>(StatusCodes.Status200OK, "The streams.");
        ingest.MapGet("/runs", RunsAsync).RequireAuthorization(Policies.Admin)
            .WithSummary("The run log, newest first")
            .WithDescription("Seed 001's SyncLog in keyset pages: `limit` runs (1-500, default 50) older than run `before`, of one `stream` or all; "
                + "pass `next` as the next `before` until it is null.")
            .Answers<RouteHandlerBuilder, RunsAnswer>(StatusCodes.Status200OK, "A page of runs.")
            .Refuses(StatusCodes.Status400BadRequest, "`limit` outside 1-500, `before` below 1, or either not a number.");
        ingest.MapPost("/streams/{name}/run", (string name, StreamScheduler scheduler) =>
            !scheduler.OdooConfigured
                ? JsonRequestBody.Problem(StatusCodes.Status409Conflict, "No Odoo configured", "Set Odoo__Url (and credentials) to sync.")
                : scheduler.Trigger(name)
                    ? TypedResults.Accepted((string?)null, new RunAccepted(name, true))
                    : JsonRequestBody.Problem(StatusCodes.Status404NotFound, "Unknown stream", $"No stream '{name}'; known: {string.Join(", ", scheduler.Streams.Keys)}."))
            .RequireAuthorization(Policies.Admin)
            .WithSummary("Run a stream now")
            .WithDescription("Starts the stream's run at once instead of at its interval (while one runs, right after it; requests meanwhile are one run).")
            .Answers<RouteHandlerBuilder, RunAccepted>(StatusCodes.Status202Accepted, "The run is due.")
            .Refuses(StatusCodes.Status404NotFound, "No such stream.")
            .Refuses(StatusCodes.Status409Conflict, "No Odoo is configured (Odoo__Url).");
        return app;
    }

    private static async Task<IResult> StreamsAsync(StreamScheduler scheduler, StreamState streamState, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var states = await streamState.ListAsync(cancellationToken);
        var streams = new List<object>();
        foreach (var (name, options) in scheduler.Streams)
        {
            var state = states.FirstOrDefault(row => (string?)row!["stream"] == name && (string?)row["odoo_database"] == scheduler.Database);
            streams.Add(new
            {
                name,
                model = options.Model,
                children = options.Children.Select(child => child.Model),
                odooDatabase = scheduler.Database,
                configured = scheduler.OdooConfigured,
                running = scheduler.OdooConfigured && await StreamLock.IsHeldAsync(dataSource, name, scheduler.Database, cancellationToken),
                state,
            });
        }

        return Results.Ok(new { streams });
    }

    /// <summary>
    /// <c>GET /api/ingest/runs?stream=&amp;limit=&amp;before=</c>: the run log newest first, in keyset pages; <c>next</c>
    /// is the <c>before</c> of the next (older) page, null on the last. Keyset, not offset: runs keep starting
    /// while an operator pages, and an offset would shift under them.
    /// </summary>
    private static async Task<IResult> RunsAsync(
        [Description("Only this stream's runs.")] string? stream,
        [Description("Runs per page, 1-500 (default 50).")] int? limit,
        [Description("Runs older than this run id: the previous page's `next`.")] long? before, RunLog runLog, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > RunLog.MaxPage || before is < 1)
        {
            return JsonRequestBody.Problem(StatusCodes.Status400BadRequest, "Invalid paging", $"'limit' is 1 to {RunLog.MaxPage} (default 50); 'before' is a run id (1 or more), the 'next' of the previous page.");
        }

        var page = await runLog.PageAsync(stream, before, limit ?? 50, cancellationToken);
        return Results.Ok(new { runs = page.Runs, next = page.Next });
    }
}
