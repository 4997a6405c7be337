using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using RealtimeSync.ServiceDefaults;

namespace RealtimeSync.Outbox;

/// <summary>
/// Publishes committed outbox rows to the bus in commit order, then marks them published.
/// At-least-once: a crash between publish and mark republishes, and consumers deduplicate by EventId.
/// While the broker is away, rows wait in PostgreSQL and the dispatcher backs off. A row whose own failure
/// repeats (<see cref="PublishFailure"/>) is set aside after <see cref="OutboxOptions.MaxAttempts"/>, so it never blocks the rows behind it.
/// </summary>
public sealed partial class OutboxDispatcher(
    NpgsqlDataSource dataSource,
    OutboxTable table,
    OutboxSignal signal,
    IBus bus,
    OutboxOptions options,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private DateTimeOffset _nextCleanup = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var handled = await DispatchBatchAsync(stoppingToken);
                failures = 0;
                if (handled >= options.BatchSize)
                {
                    continue; // more rows are waiting
                }

                await CleanupAsync(stoppingToken);
                await signal.WaitAsync(options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failures++;
                var delay = Backoff.Exponential(failures, options.MaxBackoff);
                LogDispatchFailed(ex, failures, delay);
                await Task.Delay(delay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Publishes one batch; returns how many rows it dealt with (published or set aside).</summary>
    private async Task<int> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // One dispatcher per outbox across all replicas, so events leave in the order they were committed.
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0))", connection, transaction))
        {
            lockCommand.Parameters.Add(new NpgsqlParameter { Value = table.AdvisoryLockKey });
            if (await lockCommand.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return 0;
            }
        }

        var pending = await ReadPendingAsync(connection, transaction, cancellationToken);
        var published = new List<long>(pending.Count);
        var setAside = 0;
        foreach (var row in pending)
        {
            try
            {
                await PublishAsync(row, cancellationToken);
                published.Add(row.Seq);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                var brokers = PublishFailure.IsBrokers(ex);
                var attempts = brokers ? row.Attempts : row.Attempts + 1;
                var error = $"{ex.GetType().Name}: {ex.Message}";
                if (brokers || attempts < options.MaxAttempts)
                {
                    // Keep what did go out, note the failure on the row that stopped the batch, and let the loop back off.
                    await MarkPublishedAsync(connection, transaction, published, cancellationToken);
                    await NoteFailureAsync(connection, transaction, row.Seq, attempts, error, setAside: false, cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                    throw;
                }

                await NoteFailureAsync(connection, transaction, row.Seq, attempts, error, setAside: true, cancellationToken);
                LogSetAside(ex, row.Seq, row.EventId, attempts);
                setAside++;
            }
        }

        await MarkPublishedAsync(connection, transaction, published, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return published.Count + setAside;
    }

    private async Task PublishAsync(PendingRow row, CancellationToken cancellationToken)
    {
        var change = OutboxTable.Deserialize(row.Payload);
        // Inside an activity parented to the change's own trace, so MassTransit sends that trace on with the message.
        using var activity = OutboxTelemetry.StartPublish(row.TraceParent, row.TraceState, change);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.PublishTimeout);
        await bus.Publish(change, context => context.MessageId = change.EventId, timeout.Token);
    }

    private async Task<List<PendingRow>> ReadPendingAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT seq, event_id, attempts, payload::text, trace_parent, trace_state FROM {table.Name} WHERE {OutboxTable.Pending} ORDER BY seq LIMIT $1",
            connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = options.BatchSize });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<PendingRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new PendingRow(
                reader.GetInt64(0), reader.GetGuid(1), reader.GetInt32(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return rows;
    }

    private sealed record PendingRow(long Seq, Guid EventId, int Attempts, string Payload, string? TraceParent, string? TraceState);

    private async Task MarkPublishedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<long> seqs, CancellationToken cancellationToken)
    {
        if (seqs.Count == 0)
        {
            return;
        }

        await using var command = new NpgsqlCommand(
            $"UPDATE {table.Name} SET published_at = now(), attempts = attempts + 1 WHERE seq = ANY($1)", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = seqs.ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task NoteFailureAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long seq, int attempts, string error, bool setAside, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"UPDATE {table.Name} SET attempts = $2, last_error = $3, set_aside_at = CASE WHEN $4 THEN now() END WHERE seq = $1", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = seq });
        command.Parameters.Add(new NpgsqlParameter { Value = attempts });
        command.Parameters.Add(new NpgsqlParameter { Value = error });
        command.Parameters.Add(new NpgsqlParameter { Value = setAside });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task CleanupAsync(CancellationToken cancellationToken)
    {
        if (DateTimeOffset.UtcNow < _nextCleanup)
        {
            return;
        }

        // Published rows only: a set-aside row is never published until re-sent, so it is never deleted.
        _nextCleanup = DateTimeOffset.UtcNow.AddMinutes(10);
        await using var command = dataSource.CreateCommand(
            $"DELETE FROM {table.Name} WHERE published_at IS NOT NULL AND published_at < now() - $1");
        command.Parameters.Add(new NpgsqlParameter { Value = options.Retention });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox dispatch failed ({Failures} in a row); retrying in {Delay}")]
    private partial void LogDispatchFailed(Exception exception, int failures, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox row {Seq} (event {EventId}) set aside after {Attempts} attempts; the rows behind it go on. Re-send it once the cause is fixed")]
    private partial void LogSetAside(Exception exception, long seq, Guid eventId, int attempts);
}
