using Npgsql;
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
/// logged, kept in sync_failures and read again next run, and the watermark never moves past it. The runner orders a
/// run's passes (<see cref="WindowScan"/>, <see cref="FailedRecordRetry"/>, <see cref="LinePass"/>, <see cref="OverlapSweep"/>,
/// <see cref="Reconciliation"/>) and keeps its log; each pass is a class of its own.
/// </summary>
public sealed partial class SyncRunner(
    NpgsqlDataSource dataSource, IngestedRecords records, StreamState streamState, RunLog runLog, RecordFailures failures, IRunPlanner planner, OutboxSignal outboxSignal,
    TimeProvider clock, ILogger<SyncRunner> logger)
{
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
            await new WindowScan(_pages).RunAsync(run, scan, cancellationToken);
            await new FailedRecordRetry(dataSource, failures, _pages).RunAsync(run, cancellationToken);
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
                await new Reconciliation(dataSource, records, outboxSignal).RunAsync(run, cancellationToken);
            }

            await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
            await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
            {
                // A failed record holds the watermark at its write_date; one whose write_date is unknown holds it where it was.
                var watermark = run.FailureWithoutDate ? state.Watermark : run.OldestFailure is { } oldest && oldest < runStart ? oldest : runStart;
                await StreamState.AdvanceWatermarkAsync(connection, transaction, stream, database, watermark, reconcile, plan.Sweep?.From, cancellationToken);
                await run.CommitAsync(transaction, cancellationToken);
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
}
