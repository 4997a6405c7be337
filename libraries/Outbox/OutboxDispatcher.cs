using System.Diagnostics;
using System.Runtime.ExceptionServices;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using RealtimeSync.Contracts;
using RealtimeSync.ServiceDefaults;

namespace RealtimeSync.Outbox;

/// <summary>
/// Publishes committed outbox rows to the bus in commit order, then takes them off the queue.
/// At-least-once: a crash between publish and dequeue republishes, and consumers deduplicate by EventId.
/// While the broker is away, rows wait in PostgreSQL and the dispatcher backs off. A row whose own failure
/// repeats (<see cref="PublishFailure"/>) is set aside after <see cref="OutboxOptions.MaxAttempts"/>, so it never blocks the rows behind it.
/// </summary>
public sealed partial class OutboxDispatcher(
    NpgsqlDataSource dataSource,
    OutboxTable table,
    OutboxSignal signal,
    IBus bus,
    OutboxOptions options,
    TimeProvider time,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private readonly OutboxCursor _cursor = new(time, options.LateRowScanInterval);
    private readonly OutboxRetention _retention = new(dataSource, table, options, time);

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

                await _retention.DeleteExpiredIfDueAsync(stoppingToken);
                await signal.WaitAsync(options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _cursor.Lost();
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
                _cursor.Lost(); // another replica dispatches meanwhile: where this one stopped says nothing once it is back
                return 0;
            }
        }

        var pending = await ReadPendingAsync(connection, transaction, _cursor.StartAfter(), cancellationToken);
        var batch = new DispatchBatch(connection, transaction, cancellationToken);
        var ready = new List<(PendingRow Row, RecordChanged Change)>(pending.Count);
        foreach (var row in pending)
        {
            RecordChanged change;
            try
            {
                change = OutboxTable.Deserialize(row.Payload);
            }
            catch (Exception ex)
            {
                // What went before it leaves first, so the rows keep their order around the one that fails.
                await PublishAsync(batch, ready);
                ready.Clear();
                await FailAsync(batch, row, ex);
                continue;
            }

            ready.Add((row, change));
        }

        await PublishAsync(batch, ready);
        await MarkPublishedAsync(connection, transaction, batch.Published, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        _cursor.Handled(pending.Count > 0 ? pending[^1].Seq : 0, full: pending.Count >= options.BatchSize);
        return batch.Published.Count + batch.SetAside;
    }

    /// <summary>
    /// Publishes consecutive rows as one <see cref="RecordChanges"/> message. When the broker refuses the batch for a reason
    /// of the message's own, each row goes alone, so the failure lands on the row that causes it.
    /// </summary>
    private async Task PublishAsync(DispatchBatch batch, List<(PendingRow Row, RecordChanged Change)> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }

        try
        {
            await PublishAsync(rows, batch.CancellationToken);
            batch.Published.AddRange(rows.Select(item => item.Row.Seq));
        }
        catch (Exception ex) when (!batch.CancellationToken.IsCancellationRequested && !PublishFailure.IsBrokers(ex) && rows.Count > 1)
        {
            foreach (var item in rows)
            {
                await PublishAsync(batch, [item]);
            }
        }
        catch (Exception ex) when (!batch.CancellationToken.IsCancellationRequested)
        {
            await FailAsync(batch, rows[0].Row, ex);
        }
    }

    private async Task PublishAsync(List<(PendingRow Row, RecordChanged Change)> rows, CancellationToken cancellationToken)
    {
        // One "outbox publish" span per change, each a child of the trace its change was committed in (a root when the row has
        // none). A batch of one publishes inside its span, so MassTransit's spans join the change's trace too.
        var outer = Activity.Current;
        var spans = rows.Select(item => OutboxTelemetry.StartPublish(item.Row.TraceParent, item.Row.TraceState, item.Change)).ToList();
        try
        {
            var changes = rows.Select((item, index) => spans[index] is { IdFormat: ActivityIdFormat.W3C } span
                ? new TracedChange(item.Change, span.Id, span.TraceStateString)
                : new TracedChange(item.Change, item.Row.TraceParent, item.Row.TraceState)).ToList();
            Activity.Current = rows.Count == 1 ? spans[0] : outer;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.PublishTimeout);
            await bus.Publish(new RecordChanges(changes), context => context.MessageId = rows[0].Change.EventId, timeout.Token);
        }
        finally
        {
            Activity.Current = outer;
            foreach (var span in spans)
            {
                span?.Dispose();
            }
        }
    }

    /// <summary>
    /// A row that failed: the broker's failure, or one of the row's own short of <see cref="OutboxOptions.MaxAttempts"/>, keeps
    /// what went out, notes the failure on the row, commits and throws, so the loop backs off; past it the row is set aside.
    /// </summary>
    private async Task FailAsync(DispatchBatch batch, PendingRow row, Exception ex)
    {
        var brokers = PublishFailure.IsBrokers(ex);
        var attempts = brokers ? row.Attempts : row.Attempts + 1;
        var error = $"{ex.GetType().Name}: {ex.Message}";
        if (brokers || attempts < options.MaxAttempts)
        {
            await MarkPublishedAsync(batch.Connection, batch.Transaction, batch.Published, batch.CancellationToken);
            await NoteFailureAsync(batch.Connection, batch.Transaction, row.Seq, attempts, error, setAside: false, batch.CancellationToken);
            await batch.Transaction.CommitAsync(batch.CancellationToken);
            ExceptionDispatchInfo.Throw(ex);
        }

        await NoteFailureAsync(batch.Connection, batch.Transaction, row.Seq, attempts, error, setAside: true, batch.CancellationToken);
        LogSetAside(ex, row.Seq, row.EventId, attempts);
        batch.SetAside++;
    }

    /// <summary>One dispatch's transaction and what it has dealt with so far.</summary>
    private sealed class DispatchBatch(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        public NpgsqlConnection Connection => connection;

        public NpgsqlTransaction Transaction => transaction;

        public CancellationToken CancellationToken => cancellationToken;

        public List<long> Published { get; } = [];

        public int SetAside { get; set; }
    }

    private async Task<List<PendingRow>> ReadPendingAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long after, CancellationToken cancellationToken)
    {
        // The queue's batch first, then each row by its key: joined any other way, the plan may walk every row kept since the last cleanup.
        await using var command = new NpgsqlCommand(
            $"""
            SELECT o.seq, o.event_id, o.attempts, o.payload::text, o.trace_parent, o.trace_state
            FROM (SELECT seq FROM {table.QueueName} WHERE seq > $2 ORDER BY seq LIMIT $1) q JOIN {table.Name} o ON o.seq = q.seq ORDER BY q.seq
            """,
            connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = options.BatchSize });
        command.Parameters.Add(new NpgsqlParameter { Value = after });
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

        await using var command = new NpgsqlCommand($"DELETE FROM {table.QueueName} WHERE seq = ANY($1)", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = seqs.ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task NoteFailureAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long seq, int attempts, string error, bool setAside, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"""
            WITH dequeued AS (DELETE FROM {table.QueueName} WHERE seq = $1 AND $4)
            UPDATE {table.Name} SET attempts = $2, last_error = $3, set_aside_at = CASE WHEN $4 THEN now() END WHERE seq = $1
            """,
            connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = seq });
        command.Parameters.Add(new NpgsqlParameter { Value = attempts });
        command.Parameters.Add(new NpgsqlParameter { Value = error });
        command.Parameters.Add(new NpgsqlParameter { Value = setAside });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox dispatch failed ({Failures} in a row); retrying in {Delay}")]
    private partial void LogDispatchFailed(Exception exception, int failures, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox row {Seq} (event {EventId}) set aside after {Attempts} attempts; the rows behind it go on. Re-send it once the cause is fixed")]
    private partial void LogSetAside(Exception exception, long seq, Guid eventId, int attempts);
}
