using Npgsql;
using RealtimeSync.Contracts;
using RealtimeSync.OdooIngest.Storage;
using RealtimeSync.Outbox;

namespace RealtimeSync.OdooIngest.Sync;

/// <summary>
/// Stores a page in one fenced transaction: every record of the page in one upsert, every orphan in one update and
/// every event in one outbox insert, so a page costs a few statements whatever its size. Only a page that fails
/// is stored again unit by unit, each under its own savepoint, so the one record that cannot be stored is
/// isolated (kept in sync_failures, retried next run, holding the watermark) and the rest of its page is stored.
/// </summary>
internal sealed partial class PageStore(NpgsqlDataSource dataSource, IngestedRecords records, OutboxSignal outboxSignal, ILogger logger)
{
    private readonly PlannerStatistics _statistics = new(dataSource, OdooIngestExtensions.Schema + ".records", logger);

    /// <summary>Stores <paramref name="page"/> with the scan's <paramref name="progress"/> (null outside the window scan), committing only under the run's lock.</summary>
    public async Task StoreAsync(Run run, StorePage page, ScanPosition? progress, CancellationToken cancellationToken)
    {
        await _statistics.RefreshIfStaleAsync(cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var (units, refused) = Storable(page);
        foreach (var refusal in refused)
        {
            await FailAsync(run, transaction, refusal, exception: null, cancellationToken);
        }

        var outcome = new PageOutcome();
        units = await UnderLiveParentsAsync(connection, transaction, run, units, outcome, cancellationToken);

        // A child that moved from one parent of this page to another is not an orphan of the first.
        var listed = run.Options.Children.ToDictionary(relation => relation.Model, relation => units.Where(unit => !unit.IsLoneChild)
            .SelectMany(unit => OdooRow.One2Many(unit.Head.Data, relation.Field)).ToHashSet());
        await transaction.SaveAsync("page", cancellationToken);
        try
        {
            outcome.Add(await StoreUnitsAsync(connection, transaction, run, units, listed, cancellationToken));
            await transaction.ReleaseAsync("page", cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await transaction.RollbackAsync("page", cancellationToken);
            LogPageFallback(run.Options.Model, units.Count, ex.Message);
            outcome.Add(await StoreOneByOneAsync(connection, transaction, run, units, listed, cancellationToken));
        }

        var aligned = new List<RecordChanged>();
        var parents = await ParentRelations.AlignAsync(connection, transaction, run, outcome.Parents, aligned, cancellationToken);
        if (parents > 0)
        {
            outcome.Counts.Add(run.Options.Model, "updated", parents);
            await records.PublishAsync(connection, transaction, aligned, cancellationToken);
        }

        foreach (var (model, ids) in outcome.Done)
        {
            await RecordFailures.ClearAsync(connection, transaction, run.Stream, run.Database, model, ids, cancellationToken);
        }

        if (progress is not null)
        {
            await StreamState.SaveScanAsync(connection, transaction, run.Stream, run.Database, progress, cancellationToken);
        }

        await run.CommitAsync(transaction, cancellationToken);
        foreach (var (model, result, count) in outcome.Counts.All())
        {
            run.Counts.Add(model, result, count);
        }

        outboxSignal.Notify();
    }

    /// <summary>The page again, unit by unit under a savepoint each: a unit that fails is recorded as failed, the others are stored.</summary>
    private async Task<PageOutcome> StoreOneByOneAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Run run, List<StoreUnit> units, Dictionary<string, HashSet<int>> listed, CancellationToken cancellationToken)
    {
        var outcome = new PageOutcome();
        foreach (var unit in units)
        {
            await transaction.SaveAsync("record", cancellationToken);
            try
            {
                var stored = await StoreUnitsAsync(connection, transaction, run, [unit], listed, cancellationToken);
                await transaction.ReleaseAsync("record", cancellationToken);
                outcome.Add(stored);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await transaction.RollbackAsync("record", cancellationToken);
                await FailAsync(run, transaction, new Refusal(unit.Head.Model, unit.Head.Id, unit.Head.WriteDate, ex.Message), ex, cancellationToken);
            }
        }

        return outcome;
    }

    /// <summary>The page's units, less those holding a record that breaks the document shape: refused before anything is written.</summary>
    private static (List<StoreUnit> Units, List<Refusal> Refused) Storable(StorePage page)
    {
        var units = new List<StoreUnit>();
        var refused = page.Refused.ToList();
        foreach (var unit in page.Units)
        {
            var problem = unit.Records.Select(record => (Record: record, Problem: record.Unstorable())).FirstOrDefault(found => found.Problem is not null);
            if (problem.Problem is null)
            {
                units.Add(unit);
                continue;
            }

            var head = unit.Head;
            refused.Add(new Refusal(head.Model, head.Id, head.WriteDate, problem.Record == head
                ? $"cannot be stored: {problem.Problem}"
                : $"its {problem.Record.Model} {problem.Record.Id} cannot be stored: {problem.Problem}"));
        }

        return (units, refused);
    }

    /// <summary>Lone children whose parent is not synced (or is a tombstone) are left out: they come with their parent when it is synced.</summary>
    private static async Task<List<StoreUnit>> UnderLiveParentsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Run run, List<StoreUnit> units, PageOutcome outcome, CancellationToken cancellationToken)
    {
        var wanted = units.Where(unit => unit.IsLoneChild).Select(unit => unit.Head.ParentId!.Value).Distinct().ToList();
        if (wanted.Count == 0)
        {
            return units;
        }

        var live = await IngestedRecords.LiveIdsAsync(connection, transaction, run.Database, run.Options.Model, cancellationToken, among: wanted);
        var kept = new List<StoreUnit>();
        foreach (var unit in units)
        {
            if (unit.IsLoneChild && !live.Contains(unit.Head.ParentId!.Value))
            {
                outcome.AddDone(unit.Head.Model, unit.Head.Id);
                continue;
            }

            kept.Add(unit);
        }

        return kept;
    }

    /// <summary>Stores <paramref name="units"/> set-wise: one upsert, one orphan update per relation, one outbox insert.</summary>
    private async Task<PageOutcome> StoreUnitsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Run run, IReadOnlyList<StoreUnit> units, Dictionary<string, HashSet<int>> listed,
        CancellationToken cancellationToken)
    {
        var outcome = new PageOutcome();
        var changes = new List<RecordChanged>();
        var incoming = units.SelectMany(unit => unit.Records).ToList();
        var written = await IngestedRecords.StoreManyAsync(connection, transaction, run.Database, incoming, changes, cancellationToken);
        foreach (var record in incoming)
        {
            outcome.AddDone(record.Model, record.Id);
        }

        foreach (var model in incoming.GroupBy(record => record.Model))
        {
            var created = written.Count(record => record.Model == model.Key && record.Outcome == RecordOutcome.Created);
            var updated = written.Count(record => record.Model == model.Key && record.Outcome == RecordOutcome.Updated);
            outcome.Counts.Add(model.Key, "created", created);
            outcome.Counts.Add(model.Key, "updated", updated);
            outcome.Counts.Add(model.Key, "unchanged", model.Count() - created - updated);
        }

        var parents = units.Where(unit => !unit.IsLoneChild).Select(unit => unit.Head.Id).ToList();
        foreach (var relation in run.Options.Children)
        {
            var orphans = await IngestedRecords.ArchiveOrphansAsync(connection, transaction, run.Database, relation.Model, parents, listed[relation.Model], changes, cancellationToken);
            if (orphans.Count > 0)
            {
                outcome.Counts.Add(relation.Model, "archived", orphans.Count);
            }
        }

        NoteParentsToAlign(run, units, written, outcome);
        await records.PublishAsync(connection, transaction, changes, cancellationToken);
        return outcome;
    }

    /// <summary>
    /// A parent read with its page brings its own list from Odoo, which its stored children match unless a child
    /// moved between the two reads. The lists that can disagree are those of a lone child's parent (changed or not:
    /// this also mends a list left stale before) and those of any parent a child left.
    /// </summary>
    private static void NoteParentsToAlign(Run run, IReadOnlyList<StoreUnit> units, List<WrittenRecord> written, PageOutcome outcome)
    {
        foreach (var child in written)
        {
            if (child.FormerParent is { } former && former != child.Parent)
            {
                outcome.Parents.Add(former);
            }
        }

        foreach (var unit in units)
        {
            if (unit.IsLoneChild)
            {
                outcome.Parents.Add(unit.Head.ParentId!.Value);
                continue;
            }

            var agrees = run.Options.Children.All(relation => OdooRow.One2Many(unit.Head.Data, relation.Field).ToHashSet()
                .SetEquals(unit.Children.Where(child => child.Model == relation.Model).Select(child => child.Id)));
            if (!agrees)
            {
                outcome.Parents.Add(unit.Head.Id);
            }
        }
    }

    /// <summary>A record that was not stored: kept in sync_failures (retried next run), counted, and holding the watermark at its write_date.</summary>
    private async Task FailAsync(Run run, NpgsqlTransaction transaction, Refusal refusal, Exception? exception, CancellationToken cancellationToken)
    {
        await RecordFailures.RecordAsync(transaction.Connection!, transaction, run.Stream, run.Database, refusal.Model, refusal.Id, refusal.WriteDate, refusal.Error, cancellationToken);
        run.Counts.Add(refusal.Model, "failed");
        run.Errors.Add($"{refusal.Model} {refusal.Id}: {refusal.Error}");
        run.NoteFailure(refusal.WriteDate);
        LogRecordFailed(exception, refusal.Model, refusal.Id, refusal.Error);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store {Model} {Id}: {Error}; it will be retried next run")]
    private partial void LogRecordFailed(Exception? exception, string model, int id, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A page of {Model} ({Units} records with their children) could not be stored at once ({Error}); storing it record by record")]
    private partial void LogPageFallback(string model, int units, string error);
}
