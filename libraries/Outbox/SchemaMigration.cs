using Microsoft.Extensions.Logging;
using Npgsql;
using RealtimeSync.ServiceDefaults;

namespace RealtimeSync.Outbox;

/// <summary>
/// Applies a service's idempotent DDL at start, in one transaction, under an advisory lock so that
/// replicas starting together do not race on CREATE ... IF NOT EXISTS. Retries with backoff while
/// PostgreSQL is not reachable yet, and gives up after the timeout (a minute by default).
/// </summary>
public static partial class SchemaMigration
{
    public static async Task ApplyAsync(
        NpgsqlDataSource dataSource, string name, string sql, ILogger logger, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout ?? TimeSpan.FromMinutes(1));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(deadline.Token);
                await using var transaction = await connection.BeginTransactionAsync(deadline.Token);
                await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", connection, transaction))
                {
                    lockCommand.Parameters.Add(new NpgsqlParameter { Value = "schema:" + name });
                    await lockCommand.ExecuteNonQueryAsync(deadline.Token);
                }

                await using (var command = new NpgsqlCommand(sql, connection, transaction))
                {
                    await command.ExecuteNonQueryAsync(deadline.Token);
                }

                await transaction.CommitAsync(deadline.Token);
                return;
            }
            catch (NpgsqlException ex) when (ex.IsTransient && !deadline.IsCancellationRequested)
            {
                var delay = Backoff.Exponential(attempt, TimeSpan.FromSeconds(5));
                LogRetry(logger, ex, name, delay);
                await Task.Delay(delay, deadline.Token);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schema {Name} not applied yet (PostgreSQL unreachable); retrying in {Delay}")]
    private static partial void LogRetry(ILogger logger, Exception exception, string name, TimeSpan delay);
}
