using Npgsql;

namespace RealtimeSync.OdooIngest.Streams;

public sealed record SyncStreamState(string Stream, string OdooDatabase, DateTimeOffset? Watermark, bool IsSyncing, DateTimeOffset UpdatedAt);

/// <summary>Reads seed 001's SyncState rows: one per stream and Odoo database.</summary>
public sealed class SyncStreamStates(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<SyncStreamState>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT stream, odoo_database, watermark, is_syncing, updated_at FROM {OdooIngestExtensions.Schema}.sync_state ORDER BY stream, odoo_database");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var states = new List<SyncStreamState>();
        while (await reader.ReadAsync(cancellationToken))
        {
            states.Add(new SyncStreamState(
                reader.GetString(0),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
                reader.GetBoolean(3),
                reader.GetFieldValue<DateTimeOffset>(4)));
        }

        return states;
    }
}

public static class SyncStreamEndpoints
{
    public static IEndpointRouteBuilder MapSyncStreamEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/ingest/streams", async (SyncStreamStates states, CancellationToken cancellationToken) =>
            Results.Ok(new { streams = await states.ListAsync(cancellationToken) })).RequireAuthorization(RealtimeSync.ServiceDefaults.Auth.Policies.Reader);
        return app;
    }
}
