using Npgsql;

namespace RealtimeSync.OdooIngest.Storage;

/// <summary>
/// Keeps PostgreSQL's statistics of a table current while a sync grows it faster than autovacuum analyzes it (at most once
/// a minute). Without them the planner takes a page's 200 parent ids as matching every row, and looks up their children by
/// scanning every child of the model: 12 ms a page at 50 000 lines, growing with the table, so a first sync slowed as it
/// went. The table is analyzed when the rows changed since its last analysis pass half its size (so about log2 of its
/// final size times in a first sync); never waiting on someone else's analysis. (The records' jsonb data has no
/// statistics, <see cref="OdooIngestSchema"/>: no plan uses them, and they were most of an analysis's cost.)
/// </summary>
internal sealed partial class PlannerStatistics(NpgsqlDataSource dataSource, string table, ILogger logger)
{
    private const long Floor = 2000;

    /// <summary>Analyzes the table when it is stale. Only ever an optimization: no failure of its own reaches the caller's page.</summary>
    public async Task RefreshIfStaleAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var check = dataSource.CreateCommand("""
                SELECT s.n_mod_since_analyze > greatest($2, c.reltuples / 2) FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
                WHERE s.relid = $1::regclass
                """);
            check.Parameters.Add(new NpgsqlParameter { Value = table });
            check.Parameters.Add(new NpgsqlParameter { Value = Floor });
            if (await check.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return;
            }

            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var analyze = new NpgsqlCommand($"SET LOCAL lock_timeout = '100ms'; ANALYZE {table}", connection, transaction);
            await analyze.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            LogAnalyzing(table); // autovacuum or another stream is analyzing it now
        }
        catch (NpgsqlException ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogNotAnalyzed(ex, table); // the page itself meets the same failure, if it is one, and reports it
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Table} is being analyzed by another session; not waiting for it")]
    private partial void LogAnalyzing(string table);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not refresh the planner's statistics of {Table}; the page is stored without")]
    private partial void LogNotAnalyzed(Exception exception, string table);
}
