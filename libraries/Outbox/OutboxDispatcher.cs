using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using RealtimeSync.ServiceDefaults;

namespace RealtimeSync.Outbox;

/// <summary>
/// Publishes committed outbox rows to the bus in commit order, then marks them published.
/// At-least-once: a crash between publish and mark republishes, and consumers deduplicate by EventId.
/// While the broker is away, rows wait in PostgreSQL and the dispatcher backs off.
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
                var published = await DispatchBatchAsync(stoppingToken);
                failures = 0;
                if (published >= options.BatchSize)
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
        try
        {
            foreach (var row in pending)
            {
                var change = OutboxTable.Deserialize(row.Payload);
                // Inside an activity parented to the change's own trace, so MassTransit sends that trace on with the message.
                using var activity = OutboxTelemetry.StartPublish(row.TraceParent, row.TraceState, change);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(options.PublishTimeout);
                await bus.Publish(change, context => context.MessageId = change.EventId, timeout.Token);
                published.Add(row.Seq);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Keep what did go out, note the failure on the row that stopped the batch, and let the loop back off.
            await MarkPublishedAsync(connection, transaction, published, cancellationToken);
            await NoteFailureAsync(connection, transaction, pending[published.Count].Seq, ex.Message, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            throw;
        }

        await MarkPublishedAsync(connection, transaction, published, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return published.Count;
    }

    private async Task<List<PendingRow>> ReadPendingAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT seq, payload::text, trace_parent, trace_state FROM {table.Name} WHERE published_at IS NULL ORDER BY seq LIMIT $1", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = options.BatchSize });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<PendingRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new PendingRow(reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        }

        return rows;
    }

    private sealed record PendingRow(long Seq, string Payload, string? TraceParent, string? TraceState);

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

    private async Task NoteFailureAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long seq, string error, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"UPDATE {table.Name} SET attempts = attempts + 1, last_error = $2 WHERE seq = $1", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = seq });
        command.Parameters.Add(new NpgsqlParameter { Value = error });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task CleanupAsync(CancellationToken cancellationToken)
    {
        if (DateTimeOffset.UtcNow < _nextCleanup)
        {
            return;
        }

        _nextCleanup = DateTimeOffset.UtcNow.AddMinutes(10);
        await using var command = dataSource.CreateCommand(
            $"DELETE FROM {table.Name} WHERE published_at IS NOT NULL AND published_at < now() - $1");
        command.Parameters.Add(new NpgsqlParameter { Value = options.Retention });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox dispatch failed ({Failures} in a row); retrying in {Delay}")]
    private partial void LogDispatchFailed(Exception exception, int failures, TimeSpan delay);
}
