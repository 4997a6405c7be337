using System.Globalization;
using System.Text.Json.Nodes;
using Npgsql;
using RealtimeSync.OdooIngest.Odoo;
using RealtimeSync.Outbox;

namespace RealtimeSync.OdooIngest.Sync;

public enum RunStatus
{
    Succeeded,
    Partial,
    Busy,
    Blocked,
    Failed,
}

public sealed record RunResult(RunStatus Status, RunCounts Counts, IReadOnlyList<string> Errors, OdooErrorKind? Error = null);

/// <summary>
/// One run of one stream, fixing what seed 001's plan gets wrong. Only one runner at a time (a lock that frees
/// itself). The window starts an overlap before the watermark, because write_date is a transaction's start
/// time and a late commit carries an older one; inside the window, pages go by id (keyset), never by offset,
/// so rows changing meanwhile are neither skipped nor repeated. Each record is stored under its own savepoint:
/// a bad one is logged, kept in sync_failures and read again next run, and the watermark never moves past it.
/// </summary>
public sealed partial class SyncRunner(NpgsqlDataSource dataSource, IngestedRecords records, StreamState streamState, RunLog runLog, RecordFailures failures, OutboxSignal outboxSignal, TimeProvider clock, ILogger<SyncRunner> logger)
{
    private const int ReadChunk = 500;

    public async Task<RunResult> RunAsync(string stream, SyncStreamOptions options, IOdooApi odoo, string database, CancellationToken cancellationToken)
    {
        await using var lease = await StreamLock.TryAcquireAsync(dataSource, stream, database, cancellationToken);
        if (lease is null)
        {
            return new RunResult(RunStatus.Busy, new RunCounts(), ["another runner holds this stream"]);
        }

        // The run's activity is current for everything it stores, so each change's outbox row continues this trace.
        using var activity = SyncTelemetry.StartRun(stream, database);
        var started = clock.GetTimestamp();
        var state = await streamState.StartRunAsync(stream, database, odoo.Protocol, cancellationToken);
        var runId = await runLog.OpenAsync(stream, database, odoo.Protocol, cancellationToken);
        var run = new Run(stream, database, options, odoo, lease, new RunCounts(), []);
        var status = RunStatus.Failed;
        OdooErrorKind? error = null;
        try
        {
            var uuid = await DatabaseUuidAsync(odoo, stream, cancellationToken);
            if (state.OdooUuid is not null && uuid is not null && uuid != state.OdooUuid)
            {
                run.Errors.Add($"Odoo database '{database}' now has uuid {uuid}, not {state.OdooUuid}: it is another database (restored or replaced). Refusing to merge it into the synced data; reset the stream's state to accept it.");
                status = RunStatus.Blocked;
                return new RunResult(status, run.Counts, run.Errors);
            }

            if (state.OdooUuid is null && uuid is not null)
            {
                await streamState.SetUuidAsync(stream, database, uuid, cancellationToken);
            }

            // A scan that an earlier run left unfinished (timeout, crash, fault) goes on after its last stored
            // page, and still ends with the watermark of its first run: nothing it passed can have been missed.
            var scan = state.Scan ?? new ScanPosition(clock.GetUtcNow(), state.Watermark - options.Overlap, 0);
            var (runStart, from) = (scan.StartedAt, scan.From);
            await SyncWindowAsync(run, scan, cancellationToken);
            await RetryFailedAsync(run, cancellationToken);
            if (from is not null)
            {
                await SyncDirectChildEditsAsync(run, from.Value, cancellationToken);
            }

            var reconcile = state.LastReconciledAt is null || clock.GetUtcNow() - state.LastReconciledAt >= options.ReconcileInterval;
            if (reconcile)
            {
                await ReconcileAsync(run, cancellationToken);
            }

            await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
            await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
            {
                // A failed record holds the watermark at its write_date; one whose write_date is unknown holds it where it was.
                var watermark = run.FailureWithoutDate ? state.Watermark : run.OldestFailure is { } oldest && oldest < runStart ? oldest : runStart;
                await StreamState.AdvanceWatermarkAsync(connection, transaction, stream, database, watermark, reconcile, cancellationToken);
                await CommitAsync(run, transaction, cancellationToken);
            }

            status = run.Errors.Count == 0 ? RunStatus.Succeeded : RunStatus.Partial;
            return new RunResult(status, run.Counts, run.Errors);
        }
        catch (OdooApiException ex)
        {
            run.Errors.Insert(0, ex.Message);
            error = ex.Kind;
            return new RunResult(RunStatus.Failed, run.Counts, run.Errors, ex.Kind);
        }
        catch (StreamLockLostException ex)
        {
            run.Errors.Insert(0, ex.Message);
            return new RunResult(RunStatus.Failed, run.Counts, run.Errors);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            run.Errors.Insert(0, "run cancelled (timeout or shutdown); the watermark did not move");
            throw;
        }
        catch (Exception ex)
        {
            // Anything else (PostgreSQL, a bug): the run log and the stream's last_error name it; the scheduler backs off.
            run.Errors.Insert(0, $"run failed: {ex.GetType().Name}: {ex.Message}");
            throw;
        }
        finally
        {
            var label = error == OdooErrorKind.Credentials ? "failed: credentials" : status.ToString().ToLowerInvariant();
            await runLog.FinishAsync(stream, database, runId, label, run.Counts, run.Errors, CancellationToken.None);
            LogRun(stream, label, run.Counts.ToJson());
            SyncTelemetry.RecordRun(stream, label, clock.GetElapsedTime(started), run.Counts);
            activity?.SetTag("realtimesync.sync.outcome", label);
        }
    }

    /// <summary>
    /// Everything in the window [from, ∞) of write_date after the scan's last stored id, paged by id; the whole
    /// model on a first sync. Each page records the scan's progress in the transaction that stores it.
    /// </summary>
    private async Task SyncWindowAsync(Run run, ScanPosition scan, CancellationToken cancellationToken)
    {
        var fields = run.Options.ReadFields();
        var lastId = scan.AfterId;
        while (true)
        {
            var domain = Window(run.Options.ParsedDomain(), scan.From, lastId);
            var page = await IsolatedReads.PageAsync(run.Odoo, run.Options.Model, domain, fields, run.Options.PageSize, cancellationToken);
            if (page.Count == 0)
            {
                return;
            }

            lastId = page.LastId;
            await StoreParentsAsync(run, page.Rows, page.Unreadable, scan with { AfterId = lastId }, cancellationToken);
            if (page.Count < run.Options.PageSize)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Records that failed in an earlier run, parents and children, are read again by id whatever their
    /// write_date; a failure whose record is gone from Odoo is dropped (reconciliation archives the record).
    /// </summary>
    private async Task RetryFailedAsync(Run run, CancellationToken cancellationToken)
    {
        await RetryFailedAsync(run, run.Options.Model, run.Options.ReadFields(), (rows, unreadable) =>
            StoreParentsAsync(run, rows, unreadable, progress: null, cancellationToken), cancellationToken);
        foreach (var relation in run.Options.Children)
        {
            await RetryFailedAsync(run, relation.Model, relation.ReadFields(), (rows, unreadable) =>
                StoreChildRowsAsync(run, relation, rows, unreadable, cancellationToken), cancellationToken);
        }
    }

    private async Task RetryFailedAsync(
        Run run, string model, IReadOnlyList<string> fields, Func<List<JsonObject>, List<Unreadable>, Task> store, CancellationToken cancellationToken)
    {
        var failed = await failures.FailedIdsAsync(run.Stream, run.Database, model, cancellationToken);
        foreach (var chunk in failed.Chunk(ReadChunk))
        {
            var existing = await run.Odoo.SearchAsync(model, [new JsonArray("id", "in", new JsonArray(chunk.Select(id => (JsonNode?)id).ToArray()))], chunk.Length, "id asc", cancellationToken);
            var gone = chunk.Except(existing).ToList();
            if (gone.Count > 0)
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await RecordFailures.ClearAsync(connection, transaction, run.Stream, run.Database, model, gone, cancellationToken);
                await CommitAsync(run, transaction, cancellationToken);
            }

            if (existing.Count > 0)
            {
                var read = await IsolatedReads.ReadAsync(run.Odoo, model, existing, fields, cancellationToken);
                await store(read.Rows, read.Unreadable);
            }
        }
    }

    /// <summary>Children edited on their own (their parent's write_date unchanged): stored if their parent is synced.</summary>
    private async Task SyncDirectChildEditsAsync(Run run, DateTimeOffset from, CancellationToken cancellationToken)
    {
        foreach (var relation in run.Options.Children)
        {
            var fields = relation.ReadFields();
            var lastId = 0;
            while (true)
            {
                var page = await IsolatedReads.PageAsync(run.Odoo, relation.Model, Window([], from, lastId), fields, run.Options.PageSize, cancellationToken);
                if (page.Count == 0)
                {
                    break;
                }

                await StoreChildRowsAsync(run, relation, page.Rows, page.Unreadable, cancellationToken);
                lastId = page.LastId;
                if (page.Count < run.Options.PageSize)
                {
                    break;
                }
            }
        }
    }

    /// <summary>Deletions leave no trace in Odoo: compare every Odoo id (archived included) with the local ones, archive what is gone.</summary>
    private async Task ReconcileAsync(Run run, CancellationToken cancellationToken)
    {
        foreach (var model in run.Options.Children.Select(child => child.Model).Prepend(run.Options.Model))
        {
            var inOdoo = new HashSet<int>();
            var lastId = 0;
            while (true)
            {
                var ids = await run.Odoo.SearchAsync(model, [new JsonArray("id", ">", lastId)], 5000, "id asc", cancellationToken);
                inOdoo.UnionWith(ids);
                if (ids.Count < 5000)
                {
                    break;
                }

                lastId = ids[^1];
            }

            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var gone = (await IngestedRecords.LiveIdsAsync(connection, transaction, run.Database, model, cancellationToken)).Except(inOdoo).ToList();
            run.Counts.Add(model, "archived", await records.ArchiveAsync(connection, transaction, run.Database, model, gone, "deleted in Odoo", cancellationToken));
            await CommitAsync(run, transaction, cancellationToken);
            outboxSignal.Notify();
        }
    }

    private static JsonArray Window(JsonArray domain, DateTimeOffset? from, int afterId)
    {
        var window = (JsonArray)domain.DeepClone();
        if (from is { } start)
        {
            window.Add(new JsonArray("write_date", ">=", start.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)));
        }

        window.Add(new JsonArray("id", ">", afterId));
        return window;
    }

    private static int? ParentId(JsonObject row, string inverse) =>
        row[inverse] is JsonArray { Count: > 0 } pair ? (int)pair[0]! : row[inverse] is JsonValue value && value.TryGetValue<int>(out var id) ? id : null;

    /// <summary>
    /// Odoo's database.uuid, or null when this user may not read it (ir.config_parameter is for administrators):
    /// a least-privilege integration user still syncs, without the check that the database was not replaced.
    /// </summary>
    private async Task<string?> DatabaseUuidAsync(IOdooApi odoo, string stream, CancellationToken cancellationToken)
    {
        try
        {
            return await odoo.DatabaseUuidAsync(cancellationToken);
        }
        catch (OdooApiException ex) when (ex.Kind == OdooErrorKind.Fault && ex.FaultCode is 3 or 4)
        {
            LogUuidUnreadable(stream, ex.Message);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream {Stream}: cannot read Odoo's database.uuid ({Error}); a replaced database will not be detected. Grant read on ir.config_parameter to check it.")]
    private partial void LogUuidUnreadable(string stream, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stream {Stream} run {Status}: {Counts}")]
    private partial void LogRun(string stream, string status, string counts);

    private sealed record Run(string Stream, string Database, SyncStreamOptions Options, IOdooApi Odoo, StreamLock Lease, RunCounts Counts, List<string> Errors)
    {
        public DateTimeOffset? OldestFailure { get; private set; }

        public bool FailureWithoutDate { get; private set; }

        public void NoteFailure(string? writeDate)
        {
            if (writeDate is null || !DateTimeOffset.TryParse(writeDate, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                FailureWithoutDate = true;
                return;
            }

            OldestFailure = OldestFailure is { } known && known < at ? known : at;
        }
    }
}
