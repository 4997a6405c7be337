using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace RealtimeSync.OdooIngest.Sync;

/// <summary>A page of the run log, newest first, and the cursor of the next (older) page, null on the last.</summary>
public sealed record RunPage(JsonArray Runs, long? Next);

/// <summary>
/// Seed 001's SyncLog (<c>sync_runs</c>): one row per run with its start, end, status, per-model counts and
/// errors. Every run that ends names its status and, when it failed, its cause; a run whose process died
/// (killed, crashed) cannot end itself, so the next run of its stream closes it as <c>abandoned</c>. The log
/// is bounded (<see cref="RunHistoryOptions"/>) and read in keyset pages.
/// </summary>
public sealed partial class RunLog(NpgsqlDataSource dataSource, IOptions<IngestOptions> options, ILogger<RunLog> logger)
{
    public const int MaxPage = 500;

    /// <summary>At most this many errors are kept per run: a run with thousands of failed records is told by its counts and sync_failures.</summary>
    private const int MaxErrors = 100;

    private const string Schema = OdooIngestExtensions.Schema;

    private const string AbandonedError =
        "abandoned: its runner stopped (killed or crashed) before the run ended; the next run found the stream's lock free and closed it. What it committed stays, and the scan goes on from its last stored page.";

    /// <summary>
    /// Opens a run of a stream whose lock the caller holds. Holding it proves that no other runner of the
    /// stream is alive, so any run still marked running lost its process: it is closed as abandoned first.
    /// </summary>
    public async Task<long> OpenAsync(string stream, string database, string protocol, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        var abandon = new NpgsqlBatchCommand($"""
            UPDATE {Schema}.sync_runs SET status = 'abandoned', finished_at = now(), errors = errors || jsonb_build_array($3::text)
            WHERE stream = $1 AND odoo_database = $2 AND status = 'running' RETURNING id
            """);
        abandon.Parameters.Add(new NpgsqlParameter { Value = stream });
        abandon.Parameters.Add(new NpgsqlParameter { Value = database });
        abandon.Parameters.Add(new NpgsqlParameter { Value = AbandonedError });
        var open = new NpgsqlBatchCommand($"INSERT INTO {Schema}.sync_runs (stream, odoo_database, protocol) VALUES ($1, $2, $3) RETURNING id");
        open.Parameters.Add(new NpgsqlParameter { Value = stream });
        open.Parameters.Add(new NpgsqlParameter { Value = database });
        open.Parameters.Add(new NpgsqlParameter { Value = protocol });
        batch.BatchCommands.Add(abandon);
        batch.BatchCommands.Add(open);

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var abandoned = new List<long>();
        while (await reader.ReadAsync(cancellationToken))
        {
            abandoned.Add(reader.GetInt64(0));
        }

        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var id = reader.GetInt64(0);
        if (abandoned.Count > 0)
        {
            LogAbandoned(stream, string.Join(", ", abandoned), id);
        }

        return id;
    }

    /// <summary>
    /// Ends a run: its status, counts and errors, the stream's state (not running, last error), and the
    /// pruning of the stream's old runs, in one round trip and one implicit transaction.
    /// </summary>
    public async Task FinishAsync(
        string stream, string database, long runId, string status, RunCounts counts, IReadOnlyList<string> errors, RunPasses passes, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        var finish = new NpgsqlBatchCommand($"UPDATE {Schema}.sync_runs SET finished_at = now(), status = $2, counts = $3, errors = $4, window_kind = $5, sweep = $6 WHERE id = $1");
        finish.Parameters.Add(new NpgsqlParameter { Value = runId });
        finish.Parameters.Add(new NpgsqlParameter { Value = status });
        finish.Parameters.Add(new NpgsqlParameter { Value = counts.ToJson(), NpgsqlDbType = NpgsqlDbType.Jsonb });
        finish.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(errors.Take(MaxErrors)), NpgsqlDbType = NpgsqlDbType.Jsonb });
        finish.Parameters.Add(new NpgsqlParameter { Value = (object?)passes.Window ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        finish.Parameters.Add(new NpgsqlParameter { Value = (object?)passes.Sweep?.ToJson() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb });
        batch.BatchCommands.Add(finish);
        batch.BatchCommands.Add(StreamState.Finished(stream, database, status, errors.FirstOrDefault()));
        batch.BatchCommands.Add(Prune(stream, database, options.Value.RunHistory));
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Runs newest first, of one stream or all, older than run <paramref name="before"/> when given.</summary>
    public async Task<RunPage> PageAsync(string? stream, long? before, int limit, CancellationToken cancellationToken)
    {
        // One row more than asked says whether an older page exists, so the last page has no cursor.
        var runs = await JsonRows.QueryAsync(dataSource, $"""
            SELECT id, stream, odoo_database, protocol, started_at, finished_at, status, window_kind, counts, sweep, errors FROM {Schema}.sync_runs
            WHERE ($1::text IS NULL OR stream = $1) AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3
            """, parameters =>
        {
            parameters.Add(new NpgsqlParameter { Value = (object?)stream ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            parameters.Add(new NpgsqlParameter { Value = (object?)before ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
            parameters.Add(new NpgsqlParameter { Value = limit + 1 });
        }, cancellationToken);
        if (runs.Count <= limit)
        {
            return new RunPage(runs, null);
        }

        runs.RemoveAt(limit);
        return new RunPage(runs, (long)runs[^1]!["id"]!);
    }

    /// <summary>
    /// Deletes the stream's finished runs beyond the newest <see cref="RunHistoryOptions.Keep"/> or older
    /// than <see cref="RunHistoryOptions.MaxAge"/>. Cheap after every run: pruned each time, a stream has at
    /// most Keep runs and one more, so this reads about Keep index entries of (stream, odoo_database, id) and deletes one row or none.
    /// </summary>
    private static NpgsqlBatchCommand Prune(string stream, string database, RunHistoryOptions history)
    {
        var prune = new NpgsqlBatchCommand($"""
            DELETE FROM {Schema}.sync_runs WHERE stream = $1 AND odoo_database = $2 AND finished_at IS NOT NULL
                AND (id <= (SELECT id FROM {Schema}.sync_runs WHERE stream = $1 AND odoo_database = $2 ORDER BY id DESC OFFSET $3 LIMIT 1)
                     OR ($4::interval IS NOT NULL AND started_at < now() - $4::interval))
            """);
        prune.Parameters.Add(new NpgsqlParameter { Value = stream });
        prune.Parameters.Add(new NpgsqlParameter { Value = database });
        prune.Parameters.Add(new NpgsqlParameter { Value = history.Keep });
        prune.Parameters.Add(new NpgsqlParameter { Value = (object?)history.MaxAge ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Interval });
        return prune;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream {Stream}: run(s) {Abandoned} were still marked running with no living runner (killed or crashed); closed as abandoned by run {Run}")]
    private partial void LogAbandoned(string stream, string abandoned, long run);
}
