using System.Data;
using Npgsql;

namespace RealtimeSync.Outbox;

/// <summary>
/// Deletes published rows once <see cref="OutboxOptions.Retention"/> has passed since they were written, every ten minutes (sooner
/// again after a round that lost a race); queued and set-aside rows are kept whatever their age.
/// </summary>
public sealed class OutboxRetention(NpgsqlDataSource dataSource, OutboxTable table, OutboxOptions options, TimeProvider time)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);
    private DateTimeOffset _next = DateTimeOffset.MinValue;

    public async Task DeleteExpiredIfDueAsync(CancellationToken cancellationToken)
    {
        if (time.GetUtcNow() < _next)
        {
            return;
        }

        _next = time.GetUtcNow() + Interval;
        // Repeatable read: a row re-sent (queued again) after this snapshot was taken makes the delete fail rather than delete it
        // with its new queue entry unseen; the rows wait for the next round. A queue entry whose row is gone (deleted by hand)
        // would count as a backlog for ever, so it goes too.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand($"""
                    DELETE FROM {table.Name} o WHERE o.created_at < now() - $1 AND o.set_aside_at IS NULL
                      AND NOT EXISTS (SELECT FROM {table.QueueName} q WHERE q.seq = o.seq)
                    """) { Parameters = { new NpgsqlParameter { Value = options.Retention } } },
                new NpgsqlBatchCommand($"DELETE FROM {table.QueueName} q WHERE NOT EXISTS (SELECT FROM {table.Name} o WHERE o.seq = q.seq)"),
            },
        };
        try
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected)
        {
            // A row changed under the snapshot, or another replica's retention crossed this one: try again at the next idle moment.
            _next = time.GetUtcNow();
        }
    }
}
