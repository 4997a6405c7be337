using Npgsql;

namespace RealtimeSync.Outbox;

/// <summary>
/// The operator's side of set-aside rows: list them, and re-send them once the cause is fixed. A re-sent row is
/// queued again with its attempts reset and keeps its seq, so it goes out in the next batch, ahead of rows committed
/// after it that are still pending, and after those that went out while it was set aside.
/// </summary>
public sealed class SetAsideRows(NpgsqlDataSource dataSource, OutboxTable table, OutboxSignal signal)
{
    public async Task<(long Count, List<SetAsideRow> Rows)> ListAsync(int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT seq, event_id, payload->>'collection', payload->>'recordId', attempts, last_error, set_aside_at, count(*) OVER ()
            FROM {table.Name} WHERE set_aside_at IS NOT NULL ORDER BY seq LIMIT $1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<SetAsideRow>();
        long count = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new SetAsideRow(
                reader.GetInt64(0), reader.GetGuid(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6)));
            count = reader.GetInt64(7);
        }

        return (count, rows);
    }

    /// <summary>Makes every set-aside row pending again; returns how many.</summary>
    public Task<int> ResendAllAsync(CancellationToken cancellationToken) => ResendAsync("set_aside_at IS NOT NULL", null, cancellationToken);

    /// <summary>
    /// Makes the row of <paramref name="eventId"/> pending again: a set-aside row, or one already published and still kept
    /// (<see cref="OutboxOptions.Retention"/>), for an event a consumer set aside. False when the outbox holds no such row.
    /// </summary>
    public async Task<bool> ResendEventAsync(Guid eventId, CancellationToken cancellationToken) =>
        await ResendAsync("event_id = $1", eventId, cancellationToken) > 0;

    private async Task<int> ResendAsync(string where, Guid? eventId, CancellationToken cancellationToken)
    {
        // A row still queued counts as re-sent too (its attempts start over); it is queued once.
        await using var command = dataSource.CreateCommand($"""
            WITH resent AS (UPDATE {table.Name} SET set_aside_at = NULL, attempts = 0 WHERE {where} RETURNING seq),
                 queued AS (INSERT INTO {table.QueueName} (seq) SELECT seq FROM resent ON CONFLICT DO NOTHING)
            SELECT count(*)::integer FROM resent
            """);
        if (eventId is { } id)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = id });
        }

        var resent = (int)(await command.ExecuteScalarAsync(cancellationToken))!;
        if (resent > 0)
        {
            signal.Notify();
        }

        return resent;
    }
}
