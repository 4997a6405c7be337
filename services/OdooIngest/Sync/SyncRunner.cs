using System.Text.Json.Nodes;
using Npgsql;
using RealtimeSync.Contracts;
using RealtimeSync.OdooIngest.Odoo;
using RealtimeSync.Outbox;

namespace RealtimeSync.OdooIngest.Sync;

/// <summary>
/// One run of one stream, fixing what seed 001's plan gets wrong. Only one runner at a time (a lock that frees
/// itself). The window read in full starts a small margin before the previous run's start (<see cref="RunPlanner"/>);
/// because write_date is a transaction's start time and a late commit carries an older one, the whole overlap is
/// swept every so often for what differs (<see cref="OverlapSweep"/>). Inside the window, pages go by id (keyset), never by offset,
/// so rows changing meanwhile are neither skipped nor repeated. Each record is read once a run; each page is
/// stored in a few statements (<see cref="PageStore"/>), record by record only when it fails: a bad record is
/// logged, kept in sync_failures and read again next run, and the watermark never moves past it.
/// </summary>
public sealed partial class SyncRunner(
    NpgsqlDataSource dataSource, IngestedRecords records, StreamState streamState, RunLog runLog, RecordFailures failures, IRunPlanner planner, OutboxSignal outboxSignal,
    TimeProvider clock, ILogger<SyncRunner> logger)
{
    private const int ReadChunk = 500;

    private readonly PageStore _pages = new(dataSource, records, outboxSignal, logger);

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
        string? window = null;
        SweepCounts? sweep = null;
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
            // Otherwise the window is the recent one, and the overlap sweep runs when it is due.
            var plan = planner.Plan(state, options, clock.GetUtcNow());
            var (scan, runStart, from) = (plan.Scan, plan.Scan.StartedAt, plan.Scan.From);
            window = plan.WindowName;
            await SyncWindowAsync(run, scan, cancellationToken);
            await RetryFailedAsync(run, cancellationToken);
            if (from is not null)
            {
                await new LinePass(_pages).RunAsync(run, from.Value, cancellationToken);
            }

            if (plan.Sweep is { } sweepWindow)
            {
                // Counted as it goes, so the log of a run that fails mid-sweep shows how far it got.
                sweep = new SweepCounts();
                await new OverlapSweep(dataSource, _pages).RunAsync(run, sweepWindow, sweep, cancellationToken);
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
                await StreamState.AdvanceWatermarkAsync(connection, transaction, stream, database, watermark, reconcile, plan.Sweep?.From, cancellationToken);
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
            await runLog.FinishAsync(stream, database, runId, label, run.Counts, run.Errors, new RunPasses(window, sweep), CancellationToken.None);
            LogRun(stream, label, window ?? "none", sweep?.ToJson() ?? "none", run.Counts.ToJson());
            SyncTelemetry.RecordRun(stream, label, clock.GetElapsedTime(started), run.Counts);
            activity?.SetTag("realtimesync.sync.outcome", label);
        }
    }

    /// <summary>
    /// Everything in the window [from, ∞) of write_date after the scan's last stored id, paged by id; the whole
    /// model on a first sync. Each page records the scan's progress in the transaction that stores it. The next
    /// page is read from Odoo while this one is stored, so Odoo and PostgreSQL work at once; a run holds two pages.
    /// </summary>
    private async Task SyncWindowAsync(Run run, ScanPosition scan, CancellationToken cancellationToken)
    {
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var next = ReadWindowPageAsync(run, scan, scan.AfterId, reading.Token);
        try
        {
            while (await next is { } page)
            {
                next = page.Full ? ReadWindowPageAsync(run, scan, page.LastId, reading.Token) : Task.FromResult<WindowPage?>(null);
                await _pages.StoreAsync(run, page.Records, scan with { AfterId = page.LastId }, cancellationToken);
            }
        }
        finally
        {
            // A store that failed leaves the next read running: it is stopped and waited for, never left behind.
            await reading.CancelAsync();
            await next.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task<WindowPage?> ReadWindowPageAsync(Run run, ScanPosition scan, int afterId, CancellationToken cancellationToken)
    {
        var domain = WriteWindow.Domain(run.Options.ParsedDomain(), scan.From, afterId);
        var page = await IsolatedReads.PageAsync(run.Odoo, run.Options.Model, domain, run.Options.ReadFields(), run.Options.PageSize, cancellationToken);
        return page.Count == 0 ? null : new WindowPage(await PageReader.ParentsAsync(run, page.Rows, page.Unreadable, cancellationToken), page.LastId, page.Count == run.Options.PageSize);
    }

    /// <summary>
    /// Records that failed in an earlier run, parents and children, are read again by id whatever their
    /// write_date; a failure whose record is gone from Odoo is dropped (reconciliation archives the record).
    /// </summary>
    private async Task RetryFailedAsync(Run run, CancellationToken cancellationToken)
    {
        await RetryFailedAsync(run, run.Options.Model, ids => PageReader.ParentsByIdAsync(run, ids, cancellationToken), cancellationToken);
        foreach (var relation in run.Options.Children)
        {
            await RetryFailedAsync(run, relation.Model, ids => PageReader.ChildrenByIdAsync(run, relation, ids, cancellationToken), cancellationToken);
        }
    }

    private async Task RetryFailedAsync(
        Run run, string model, Func<IReadOnlyList<int>, Task<StorePage>> read, CancellationToken cancellationToken)
    {
        // A record that failed earlier in this run (read already) waits for the next run.
        var failed = (await failures.FailedIdsAsync(run.Stream, run.Database, model, cancellationToken)).Where(id => !run.Read(model).Contains(id));
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
                await _pages.StoreAsync(run, await read(existing), progress: null, cancellationToken);
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
            var changes = new List<RecordChanged>();
            var archived = await IngestedRecords.ArchiveAsync(connection, transaction, run.Database, model, gone, "deleted in Odoo", changes, cancellationToken);
            run.Counts.Add(model, "archived", archived.Count);

            // A line deleted on its own leaves its order's write_date alone: the order's stored list drops it here.
            var parents = model == run.Options.Model ? [] : archived.Where(child => child.Parent is not null).Select(child => child.Parent!.Value).ToHashSet();
            var aligned = await ParentRelations.AlignAsync(connection, transaction, run, parents, changes, cancellationToken);
            if (aligned > 0)
            {
                run.Counts.Add(run.Options.Model, "updated", aligned);
            }

            await records.PublishAsync(connection, transaction, changes, cancellationToken);
            await CommitAsync(run, transaction, cancellationToken);
            outboxSignal.Notify();
        }
    }

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Stream {Stream} run {Status} (window {Window}, sweep {Sweep}): {Counts}")]
    private partial void LogRun(string stream, string status, string window, string sweep, string counts);

    /// <summary>The run's own fence (<see cref="Run.CommitAsync"/>), for the run's writes outside its pages.</summary>
    private static Task CommitAsync(Run run, NpgsqlTransaction transaction, CancellationToken cancellationToken) => run.CommitAsync(transaction, cancellationToken);

    /// <summary>A page of the window scan as read: its records, where the next page starts, and whether there may be one.</summary>
    private sealed record WindowPage(StorePage Records, int LastId, bool Full);
}
