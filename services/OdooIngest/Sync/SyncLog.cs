using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace RealtimeSync.OdooIngest.Sync;

/// <summary>Counts of one run, per model: seed 001's SyncLog numbers.</summary>
public sealed class RunCounts
{
    private readonly Dictionary<string, Dictionary<string, int>> _byModel = [];

    public void Add(string model, string outcome, int count = 1)
    {
        var counts = _byModel.TryGetValue(model, out var existing) ? existing : _byModel[model] = new Dictionary<string, int>
        {
            ["created"] = 0,
            ["updated"] = 0,
            ["unchanged"] = 0,
            ["archived"] = 0,
            ["failed"] = 0,
        };
        counts[outcome] = counts.GetValueOrDefault(outcome) + count;
    }

    public int Get(string model, string outcome) => _byModel.TryGetValue(model, out var counts) ? counts.GetValueOrDefault(outcome) : 0;

    public IEnumerable<(string Model, string Outcome, int Count)> All() =>
        _byModel.SelectMany(model => model.Value.Select(outcome => (model.Key, outcome.Key, outcome.Value)));

    public string ToJson() => JsonSerializer.Serialize(_byModel);
}

/// <summary>
/// Seed 001's SyncState and SyncLog, queryable: per stream and Odoo database the watermark, the Odoo
/// database uuid it belongs to, whether a run is in progress and the last error; per run its counts and errors;
/// per failed record its error and attempts, so it is retried and visible until it stores.
/// </summary>
public sealed class SyncLog(NpgsqlDataSource dataSource)
{
    private const string Schema = OdooIngestExtensions.Schema;

    public sealed record State(DateTimeOffset? Watermark, string? OdooUuid, DateTimeOffset? LastReconciledAt, ScanPosition? Scan);

    public async Task<State> StartRunAsync(string stream, string database, string protocol, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO {Schema}.sync_state (stream, odoo_database, is_syncing, status, protocol, updated_at) VALUES ($1, $2, true, 'running', $3, now())
            ON CONFLICT (stream, odoo_database) DO UPDATE SET is_syncing = true, status = 'running', protocol = $3, updated_at = now()
            RETURNING watermark, odoo_uuid, last_reconciled_at, scan_started_at, scan_from, scan_after_id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = stream });
        command.Parameters.Add(new NpgsqlParameter { Value = database });
        command.Parameters.Add(new NpgsqlParameter { Value = protocol });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new State(
            reader.IsDBNull(0) ? null : reader.GetFieldValue<DateTimeOffset>(0),
            reader.IsDBNull(1) ? null : reader.GetString(1),
            reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
            reader.IsDBNull(3) ? null : new ScanPosition(
                reader.GetFieldValue<DateTimeOffset>(3), reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4), reader.IsDBNull(5) ? 0 : reader.GetInt32(5)));
    }

    /// <summary>Records how far the window scan got, inside the transaction that stored that page: a later run goes on from there.</summary>
    public static async Task SaveScanAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string stream, string database, ScanPosition scan, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            UPDATE {Schema}.sync_state SET scan_started_at = $3, scan_from = $4, scan_after_id = $5, updated_at = now()
            WHERE stream = $1 AND odoo_database = $2
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = stream });
        command.Parameters.Add(new NpgsqlParameter { Value = database });
        command.Parameters.Add(new NpgsqlParameter { Value = scan.StartedAt, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)scan.From ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = scan.AfterId });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<long> OpenRunAsync(string stream, string database, string protocol, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"INSERT INTO {Schema}.sync_runs (stream, odoo_database, protocol) VALUES ($1, $2, $3) RETURNING id");
        command.Parameters.Add(new NpgsqlParameter { Value = stream });
        command.Parameters.Add(new NpgsqlParameter { Value = database });
        command.Parameters.Add(new NpgsqlParameter { Value = protocol });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task SetUuidAsync(string stream, string database, string uuid, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"UPDATE {Schema}.sync_state SET odoo_uuid = $3 WHERE stream = $1 AND odoo_database = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = stream });
        command.Parameters.Add(new NpgsqlParameter { Value = database });
        command.Parameters.Add(new NpgsqlParameter { Value = uuid });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Moves the watermark, and ends the window scan it closes, inside the caller's transaction.</summary>
    public static async Task AdvanceWatermarkAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string stream, string database, DateTimeOffset? watermark, bool reconciled, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            UPDATE {Schema}.sync_state SET watermark = $3, updated_at = now(), last_reconciled_at = CASE WHEN $4 THEN now() ELSE last_reconciled_at END,
                scan_started_at = NULL, scan_from = NULL, scan_after_id = NULL
            WHERE stream = $1 AND odoo_database = $2
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = stream });
        command.Parameters.Add(new NpgsqlParameter { Value = database });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)watermark ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = reconciled });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task FinishRunAsync(string stream, string database, long runId, string status, RunCounts counts, IReadOnlyList<string> errors, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        var finish = new NpgsqlBatchCommand($"UPDATE {Schema}.sync_runs SET finished_at = now(), status = $2, counts = $3, errors = $4 WHERE id = $1");
        finish.Parameters.Add(new NpgsqlParameter { Value = runId });
        finish.Parameters.Add(new NpgsqlParameter { Value = status });
        finish.Parameters.Add(new NpgsqlParameter { Value = counts.ToJson(), NpgsqlDbType = NpgsqlDbType.Jsonb });
        finish.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(errors.Take(100)), NpgsqlDbType = NpgsqlDbType.Jsonb });
        var state = new NpgsqlBatchCommand($"""
            UPDATE {Schema}.sync_state SET is_syncing = false, status = $3, last_error = $4, updated_at = now() WHERE stream = $1 AND odoo_database = $2
            """);
        state.Parameters.Add(new NpgsqlParameter { Value = stream });
        state.Parameters.Add(new NpgsqlParameter { Value = database });
        state.Parameters.Add(new NpgsqlParameter { Value = status });
        state.Parameters.Add(new NpgsqlParameter { Value = (object?)errors.FirstOrDefault() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        batch.BatchCommands.Add(finish);
        batch.BatchCommands.Add(state);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task RecordFailureAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string stream, string database, string model, int id, string? writeDate, string error, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            INSERT INTO {Schema}.sync_failures (stream, odoo_database, model, odoo_id, odoo_write_date, error) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (stream, odoo_database, model, odoo_id) DO UPDATE SET attempts = {Schema}.sync_failures.attempts + 1,
                error = EXCLUDED.error, odoo_write_date = EXCLUDED.odoo_write_date, last_failed_at = now()
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = stream });
        command.Parameters.Add(new NpgsqlParameter { Value = database });
        command.Parameters.Add(new NpgsqlParameter { Value = model });
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)writeDate ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = error });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task ClearFailuresAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string stream, string database, string model, IReadOnlyCollection<int> ids, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"DELETE FROM {Schema}.sync_failures WHERE stream = $1 AND odoo_database = $2 AND model = $3 AND odoo_id = ANY($4)", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = stream });
        command.Parameters.Add(new NpgsqlParameter { Value = database });
        command.Parameters.Add(new NpgsqlParameter { Value = model });
        command.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Ids of records of <paramref name="model"/> that failed before: the next run reads them again by id.</summary>
    public async Task<IReadOnlyList<int>> FailedIdsAsync(string stream, string database, string model, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT odoo_id FROM {Schema}.sync_failures WHERE stream = $1 AND odoo_database = $2 AND model = $3 ORDER BY odoo_id");
        command.Parameters.Add(new NpgsqlParameter { Value = stream });
        command.Parameters.Add(new NpgsqlParameter { Value = database });
        command.Parameters.Add(new NpgsqlParameter { Value = model });
        var ids = new List<int>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt32(0));
        }

        return ids;
    }

    public async Task<JsonArray> QueryAsync(string sql, Action<NpgsqlParameterCollection>? parameters, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT coalesce(jsonb_agg(row_to_json(q)), '[]'::jsonb)::text FROM ({sql}) q");
        parameters?.Invoke(command.Parameters);
        return JsonNode.Parse((string)(await command.ExecuteScalarAsync(cancellationToken))!)!.AsArray();
    }
}
