using System.Text.Json.Nodes;
using Npgsql;

namespace RealtimeSync.OdooIngest.Sync;

/// <summary>How a run stores what it read: pages of parents with their children, lone children, and failures, each page in one fenced transaction.</summary>
public sealed partial class SyncRunner
{
    /// <summary>
    /// Stores a page of parents with their children, one savepoint per parent, and the scan's
    /// <paramref name="progress"/>, in one transaction. A parent Odoo would not read, or one with a child Odoo
    /// would not read, is not stored (it would be incomplete): it is recorded as failed and retried next run.
    /// </summary>
    private async Task StoreParentsAsync(Run run, List<JsonObject> parents, IReadOnlyList<Unreadable> unreadable, ScanPosition? progress, CancellationToken cancellationToken)
    {
        var children = new Dictionary<(string Model, int Parent), List<JsonObject>>();
        var unreadableChildren = new Dictionary<(string Model, int Id), string>();
        foreach (var relation in run.Options.Children)
        {
            var ids = parents.SelectMany(parent => ChildIds(parent, relation)).ToList();
            foreach (var chunk in ids.Chunk(ReadChunk))
            {
                var read = await IsolatedReads.ReadAsync(run.Odoo, relation.Model, chunk, relation.ReadFields(), cancellationToken);
                read.Unreadable.ForEach(child => unreadableChildren[(relation.Model, child.Id)] = child.Error);
                foreach (var row in read.Rows)
                {
                    var key = (relation.Model, ParentId(row, relation.Inverse) ?? 0);
                    (children.TryGetValue(key, out var list) ? list : children[key] = []).Add(row);
                }
            }
        }

        var refused = unreadable.Select(parent => (parent.Id, WriteDate: (string?)null, parent.Error)).ToList();
        foreach (var parent in parents)
        {
            var blocking = run.Options.Children.SelectMany(relation => ChildIds(parent, relation).Select(id => (relation.Model, Id: id)))
                .FirstOrDefault(child => unreadableChildren.ContainsKey(child));
            if (blocking.Model is not null)
            {
                refused.Add(((int)parent["id"]!, WriteDate(parent), $"its {blocking.Model} {blocking.Id} could not be read: {unreadableChildren[blocking]}"));
            }
        }

        var refusedIds = refused.Select(failure => failure.Id).ToHashSet();
        parents = parents.Where(parent => !refusedIds.Contains((int)parent["id"]!)).ToList();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var (id, writeDate, error) in refused)
        {
            await FailAsync(run, transaction, run.Options.Model, id, writeDate, error, exception: null, cancellationToken);
        }

        var parentIds = parents.Select(parent => (int)parent["id"]!).ToList();
        var storedParents = await IngestedRecords.ReadManyAsync(connection, transaction, run.Database, run.Options.Model, parentIds, cancellationToken);
        var storedChildren = new Dictionary<string, Dictionary<int, StoredRecord>>();
        var liveChildren = new Dictionary<string, Dictionary<int, HashSet<int>>>();
        foreach (var relation in run.Options.Children)
        {
            var childIds = children.Where(pair => pair.Key.Model == relation.Model).SelectMany(pair => pair.Value).Select(row => (int)row["id"]!).ToList();
            storedChildren[relation.Model] = await IngestedRecords.ReadManyAsync(connection, transaction, run.Database, relation.Model, childIds, cancellationToken);
            liveChildren[relation.Model] = await IngestedRecords.LiveChildrenAsync(connection, transaction, run.Database, relation.Model, parentIds, cancellationToken);
        }

        // A child that moved from one parent of this page to another is not an orphan of the first.
        var listedInPage = run.Options.Children.ToDictionary(relation => relation.Model, relation => parents.SelectMany(parent => ChildIds(parent, relation)).ToHashSet());
        var stored = new List<int>();
        foreach (var parent in parents)
        {
            var id = (int)parent["id"]!;
            await StoreOneAsync(run, transaction, run.Options.Model, parent, async () =>
            {
                run.Counts.Add(run.Options.Model, Outcome(await records.UpsertAsync(
                    connection, transaction, run.Database, run.Options.Model, parent, null, storedParents.GetValueOrDefault(id), cancellationToken)));
                foreach (var relation in run.Options.Children)
                {
                    foreach (var row in children.GetValueOrDefault((relation.Model, id)) ?? [])
                    {
                        run.Counts.Add(relation.Model, Outcome(await records.UpsertAsync(
                            connection, transaction, run.Database, relation.Model, row, id, storedChildren[relation.Model].GetValueOrDefault((int)row["id"]!), cancellationToken)));
                    }

                    var orphans = (liveChildren[relation.Model].GetValueOrDefault(id) ?? []).Except(listedInPage[relation.Model]).ToList();
                    run.Counts.Add(relation.Model, "archived", await records.ArchiveAsync(
                        connection, transaction, run.Database, relation.Model, orphans, "removed from its parent in Odoo", cancellationToken, onlyUnderParent: id));
                }

                stored.Add(id);
            }, cancellationToken);
        }

        await RecordFailures.ClearAsync(connection, transaction, run.Stream, run.Database, run.Options.Model, stored, cancellationToken);
        if (progress is not null)
        {
            await StreamState.SaveScanAsync(connection, transaction, run.Stream, run.Database, progress, cancellationToken);
        }

        await CommitAsync(run, transaction, cancellationToken);
        outboxSignal.Notify();
    }

    /// <summary>Children read on their own (edited alone, or retried): stored under their parent if it is synced and live, in one transaction.</summary>
    private async Task StoreChildRowsAsync(Run run, ChildRelation relation, List<JsonObject> rows, IReadOnlyList<Unreadable> unreadable, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var child in unreadable)
        {
            await FailAsync(run, transaction, relation.Model, child.Id, writeDate: null, child.Error, exception: null, cancellationToken);
        }

        var parents = await IngestedRecords.ReadManyAsync(connection, transaction, run.Database, run.Options.Model,
            rows.Select(row => ParentId(row, relation.Inverse) ?? 0).Distinct().ToList(), cancellationToken);
        var stored = await IngestedRecords.ReadManyAsync(connection, transaction, run.Database, relation.Model, rows.Select(row => (int)row["id"]!).ToList(), cancellationToken);
        var done = new List<int>();
        foreach (var row in rows)
        {
            var id = (int)row["id"]!;
            if (ParentId(row, relation.Inverse) is not { } parent || !parents.TryGetValue(parent, out var found) || found.Archived)
            {
                done.Add(id); // it comes with its parent when the parent is synced
                continue;
            }

            await StoreOneAsync(run, transaction, relation.Model, row, async () =>
            {
                run.Counts.Add(relation.Model, Outcome(await records.UpsertAsync(connection, transaction, run.Database, relation.Model, row, parent, stored.GetValueOrDefault(id), cancellationToken)));
                done.Add(id);
            }, cancellationToken);
        }

        await RecordFailures.ClearAsync(connection, transaction, run.Stream, run.Database, relation.Model, done, cancellationToken);
        await CommitAsync(run, transaction, cancellationToken);
        outboxSignal.Notify();
    }

    private async Task StoreOneAsync(Run run, NpgsqlTransaction transaction, string model, JsonObject row, Func<Task> store, CancellationToken cancellationToken)
    {
        await transaction.SaveAsync("record", cancellationToken);
        try
        {
            await store();
            await transaction.ReleaseAsync("record", cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await transaction.RollbackAsync("record", cancellationToken);
            await FailAsync(run, transaction, model, (int)row["id"]!, WriteDate(row), ex.Message, ex, cancellationToken);
        }
    }

    /// <summary>A record that was not stored: kept in sync_failures (retried next run), counted, and holding the watermark at its write_date.</summary>
    private async Task FailAsync(Run run, NpgsqlTransaction transaction, string model, int id, string? writeDate, string error, Exception? exception, CancellationToken cancellationToken)
    {
        await RecordFailures.RecordAsync(transaction.Connection!, transaction, run.Stream, run.Database, model, id, writeDate, error, cancellationToken);
        run.Counts.Add(model, "failed");
        run.Errors.Add($"{model} {id}: {error}");
        run.NoteFailure(writeDate);
        LogRecordFailed(exception, model, id, error);
    }

    /// <summary>Every write of a run commits only while the run still holds its stream's lock.</summary>
    private static async Task CommitAsync(Run run, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await run.Lease.AssertHeldAsync(transaction.Connection!, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static IEnumerable<int> ChildIds(JsonObject parent, ChildRelation relation) => (parent[relation.Field] as JsonArray ?? []).Select(id => (int)id!);

    private static string? WriteDate(JsonObject row) => row["write_date"] is JsonValue stamp && stamp.TryGetValue<string>(out var text) ? text : null;

    private static string Outcome(RecordOutcome outcome) => outcome.ToString().ToLowerInvariant();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store {Model} {Id}: {Error}; it will be retried next run")]
    private partial void LogRecordFailed(Exception? exception, string model, int id, string error);
}
