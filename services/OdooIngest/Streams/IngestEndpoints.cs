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

    private static async Task<IResult> StreamsAsync(StreamScheduler scheduler, SyncLog log, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var states = await log.QueryAsync($"""
            SELECT s.stream, s.odoo_database, s.status, s.is_syncing, s.watermark, s.odoo_uuid, s.protocol, s.last_error, s.last_reconciled_at, s.updated_at,
                   s.scan_started_at, s.scan_from, s.scan_after_id,
                   extract(epoch FROM now() - s.watermark) AS lag_seconds,
                   (SELECT count(*) FROM {OdooIngestExtensions.Schema}.sync_failures f WHERE f.stream = s.stream AND f.odoo_database = s.odoo_database) AS failures
            FROM {OdooIngestExtensions.Schema}.sync_state s ORDER BY s.stream
            """, null, cancellationToken);
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

    private static async Task<IResult> RunsAsync(string? stream, int? limit, SyncLog log, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 500)
        {
            return JsonRequestBody.Problem(StatusCodes.Status400BadRequest, "Invalid limit", "'limit' is 1 to 500.");
        }

        var runs = await log.QueryAsync($"""
            SELECT id, stream, odoo_database, protocol, started_at, finished_at, status, counts, errors FROM {OdooIngestExtensions.Schema}.sync_runs
            WHERE $1::text IS NULL OR stream = $1 ORDER BY id DESC LIMIT $2
            """, parameters =>
        {
            parameters.Add(new NpgsqlParameter { Value = (object?)stream ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            parameters.Add(new NpgsqlParameter { Value = limit ?? 50 });
        }, cancellationToken);
        return Results.Ok(new { runs });
    }
}
