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
        app.MapGet("/api/ingest/streams", StreamsAsync).RequireAuthorization(Policies.Admin);
        app.MapGet("/api/ingest/runs", RunsAsync).RequireAuthorization(Policies.Admin);
        app.MapPost("/api/ingest/streams/{name}/run", (string name, StreamScheduler scheduler) =>
            !scheduler.OdooConfigured
                ? JsonRequestBody.Problem(StatusCodes.Status409Conflict, "No Odoo configured", "Set Odoo__Url (and credentials) to sync.")
                : scheduler.Trigger(name)
                    ? Results.Accepted(value: new { stream = name, accepted = true })
                    : JsonRequestBody.Problem(StatusCodes.Status404NotFound, "Unknown stream", $"No stream '{name}'; known: {string.Join(", ", scheduler.Streams.Keys)}."))
            .RequireAuthorization(Policies.Admin);
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
    private static async Task<IResult> RunsAsync(string? stream, int? limit, long? before, RunLog runLog, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > RunLog.MaxPage || before is < 1)
        {
            return JsonRequestBody.Problem(StatusCodes.Status400BadRequest, "Invalid paging", $"'limit' is 1 to {RunLog.MaxPage} (default 50); 'before' is a run id (1 or more), the 'next' of the previous page.");
        }

        var page = await runLog.PageAsync(stream, before, limit ?? 50, cancellationToken);
        return Results.Ok(new { runs = page.Runs, next = page.Next });
    }
}
