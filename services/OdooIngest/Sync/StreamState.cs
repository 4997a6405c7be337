using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace RealtimeSync.OdooIngest.Sync;

/// <summary>
/// Seed 001's SyncState, one row per stream and Odoo database (<c>sync_state</c>): the watermark, the Odoo
/// database uuid it belongs to, where an unfinished scan stands, whether a run is in progress and the last
/// error. The watermark and scan move only inside the transaction that stored what they pass, so a crash
/// between the two can never skip a record.
/// </summary>
public sealed class StreamState(NpgsqlDataSource dataSource)
{
    private const string Schema = OdooIngestExtensions.Schema;

    /// <summary>Every stream's state, with lag and its count of failed records, for operators.</summary>
    public Task<JsonArray> ListAsync(CancellationToken cancellationToken) => JsonRows.QueryAsync(dataSource, $"""
        SELECT s.stream, s.odoo_database, s.status, s.is_syncing, s.watermark, s.odoo_uuid, s.protocol, s.last_error, s.last_reconciled_at, s.last_swept_at, s.updated_at,
               s.scan_started_at, s.scan_from, s.scan_after_id,
               extract(epoch FROM now() - s.watermark) AS lag_seconds,
               (SELECT count(*) FROM {Schema}.sync_failures f WHERE f.stream = s.stream AND f.odoo_database = s.odoo_database) AS failures
        FROM {Schema}.sync_state s ORDER BY s.stream
        """, null, cancellationToken);

    /// <summary>Marks the stream running (creating its row on a first run) and returns where the run starts from.</summary>
    public async Task<StreamCheckpoint> StartRunAsync(string stream, string database, string protocol, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO {Schema}.sync_state (stream, odoo_database, is_syncing, status, protocol, updated_at) VALUES ($1, $2, true, 'running', $3, now())
            ON CONFLICT (stream, odoo_database) DO UPDATE SET is_syncing = true, status = 'running', protocol = $3, updated_at = now()
            RETURNING watermark, odoo_uuid, last_reconciled_at, scan_started_at, scan_from, scan_after_id, last_swept_at, last_swept_from
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = stream });
        command.Parameters.Add(new NpgsqlParameter { Value = database });
        command.Parameters.Add(new NpgsqlParameter { Value = protocol });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new StreamCheckpoint(
            reader.IsDBNull(0) ? null : reader.GetFieldValue<DateTimeOffset>(0),
            reader.IsDBNull(1) ? null : reader.GetString(1),
            reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
            reader.IsDBNull(3) ? null : new ScanPosition(
                reader.GetFieldValue<DateTimeOffset>(3), reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4), reader.IsDBNull(5) ? 0 : reader.GetInt32(5)),
            reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
            reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7));
    }

    public async Task SetUuidAsync(string stream, string database, string uuid, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"UPDATE {Schema}.sync_state SET odoo_uuid = $3 WHERE stream = $1 AND odoo_database = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = stream });
        command.Parameters.Add(new NpgsqlParameter { Value = database });
        command.Parameters.Add(new NpgsqlParameter { Value = uuid });
        await command.ExecuteNonQueryAsync(cancellationToken);
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

    /// <summary>
    /// Moves the watermark, and ends the window scan it closes, inside the caller's transaction; notes a reconcile that ran,
    /// and a sweep that ran with where its overlap started (<paramref name="sweptFrom"/>, null when none ran).
    /// </summary>
    public static async Task AdvanceWatermarkAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string stream, string database, DateTimeOffset? watermark, bool reconciled, DateTimeOffset? sweptFrom,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            UPDATE {Schema}.sync_state SET watermark = $3, updated_at = now(), last_reconciled_at = CASE WHEN $4 THEN now() ELSE last_reconciled_at END,
                last_swept_at = CASE WHEN $5::timestamptz IS NULL THEN last_swept_at ELSE now() END, last_swept_from = coalesce($5, last_swept_from), scan_started_at = NULL, scan_from = NULL, scan_after_id = NULL
            WHERE stream = $1 AND odoo_database = $2
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = stream });
        command.Parameters.Add(new NpgsqlParameter { Value = database });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)watermark ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = reconciled });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)sweptFrom ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The stream's side of a run's end: not running, the run's status and its first error (null when it had
    /// none). A command, not a call: <see cref="RunLog.FinishAsync"/> sends it with the run's own end, so the
    /// run log and the stream's state never disagree.
    /// </summary>
    public static NpgsqlBatchCommand Finished(string stream, string database, string status, string? lastError)
    {
        var command = new NpgsqlBatchCommand($"""
            UPDATE {Schema}.sync_state SET is_syncing = false, status = $3, last_error = $4, updated_at = now() WHERE stream = $1 AND odoo_database = $2
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = stream });
        command.Parameters.Add(new NpgsqlParameter { Value = database });
        command.Parameters.Add(new NpgsqlParameter { Value = status });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)lastError ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        return command;
    }
}
