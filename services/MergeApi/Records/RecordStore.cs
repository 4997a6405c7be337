using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;
using RealtimeSync.Contracts;
using RealtimeSync.MergeApi.Collections;
using RealtimeSync.Outbox;

namespace RealtimeSync.MergeApi.Records;

/// <summary>
/// Applies writes to merge-api's schema, many in one transaction (a batch) or one: it locks the records (even ones
/// that do not exist yet) and their collections' version counters, reads them, lets <see cref="WriteSequence"/>
/// merge, validate and skip no-ops in order, then writes every record, history entry and RecordChanged event in one
/// round trip and commits. A collection's counter is held to commit, so versions follow commit order and
/// <c>?since=</c> never skips a late commit. A batch the database refuses is written again one write at a time, so
/// the write at fault fails alone.
/// </summary>
public sealed class RecordStore(NpgsqlDataSource dataSource, OutboxTable outbox, OutboxSignal outboxSignal, TimeProvider clock)
{
    private const string Schema = MergeApiExtensions.Schema;

    public async Task<StoredRecord?> GetAsync(string collection, string id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT version, data::text FROM {Schema}.records WHERE collection = $1 AND id = $2 AND NOT deleted", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = collection });
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new StoredRecord(collection, id, reader.GetInt64(0), JsonNode.Parse(reader.GetString(1))!.AsObject()) : null;
    }

    /// <summary>The writes in the order given, in one transaction; one outcome each, in the same order.</summary>
    public async Task<IReadOnlyList<WriteOutcome>> WriteManyAsync(IReadOnlyList<(RecordWrite Write, CollectionDefinition Definition)> writes, CancellationToken cancellationToken)
    {
        var outcomes = new WriteOutcome?[writes.Count];
        var ids = new string[writes.Count];
        for (var i = 0; i < writes.Count; i++)
        {
            var (write, definition) = writes[i];
            ids[i] = write.Id ?? (write.Body?[definition.Key] as JsonValue)?.ToString() ?? Guid.NewGuid().ToString("N");
            if (!PushTopics.IsSegment(ids[i])) // an id names the record's push topic
            {
                outcomes[i] = new WriteOutcome(WriteStatus.Invalid, Errors: new Dictionary<string, string[]> { [definition.Key] = ["must be 1-128 letters, digits, '.', '_' or '-'"] });
            }
        }

        var pending = Enumerable.Range(0, writes.Count).Where(i => outcomes[i] is null).ToList();
        try
        {
            await ApplyAsync(writes, ids, pending, outcomes, cancellationToken);
        }
        catch (PostgresException) when (pending.Count > 1)
        {
            // Rolled back whole: each write again on its own, so only the one the database refuses fails.
            foreach (var i in pending)
            {
                outcomes[i] = (await WriteManyAsync([writes[i] with { Write = writes[i].Write with { Id = ids[i] } }], cancellationToken))[0];
            }
        }

        return outcomes.Select(outcome => outcome!).ToList();
    }

    private async Task ApplyAsync(
        IReadOnlyList<(RecordWrite Write, CollectionDefinition Definition)> writes, string[] ids, List<int> pending, WriteOutcome?[] outcomes, CancellationToken cancellationToken)
    {
        if (pending.Count == 0)
        {
            return;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var keys = pending.Select(i => (writes[i].Write.Collection, ids[i])).Distinct().ToList();
        var (records, versions) = await LockAndReadAsync(connection, transaction, keys, cancellationToken);
        var sequence = new WriteSequence(records, versions, clock);
        foreach (var i in pending)
        {
            outcomes[i] = await sequence.ApplyAsync(writes[i].Write, writes[i].Definition, ids[i],
                (collection, id, version) => RecordHistory.SnapshotAsync(connection, transaction, collection, id, version, cancellationToken));
        }

        if (sequence.Changes.Count == 0)
        {
            return; // nothing changed: the transaction ends without a write, and so do its locks
        }

        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(SaveCommand(sequence.Changes));
            batch.BatchCommands.Add(RecordHistory.AddManyCommand(sequence.Changes));
            batch.BatchCommands.Add(outbox.AddManyCommand(sequence.Changes.Select(change => change.Event).ToList()));
            batch.BatchCommands.Add(VersionsCommand(sequence.Versions));
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        outboxSignal.Notify();
    }

    /// <summary>Records of a collection changed after <paramref name="since"/>, in version order; deletions come as tombstones.</summary>
    public async Task<IReadOnlyList<(StoredRecord Record, bool Deleted)>> ListSinceAsync(string collection, long since, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT id, version, data::text, deleted FROM {Schema}.records WHERE collection = $1 AND version > $2 ORDER BY version LIMIT $3");
        command.Parameters.Add(new NpgsqlParameter { Value = collection });
        command.Parameters.Add(new NpgsqlParameter { Value = since });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var records = new List<(StoredRecord, bool)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add((new StoredRecord(collection, reader.GetString(0), reader.GetInt64(1), JsonNode.Parse(reader.GetString(2))!.AsObject()), reader.GetBoolean(3)));
        }

        return records;
    }

    /// <summary>
    /// Locks the records' keys and their collections' counters and reads both, in one round trip. Keys are locked in
    /// one order and before the counters (as every transaction here does), so two batches never wait on each other in
    /// a circle. An advisory lock on a key also serializes two first writes of a record that does not exist yet.
    /// </summary>
    private static async Task<(Dictionary<(string Collection, string Id), StoredRecord?> Records, Dictionary<string, long> Versions)> LockAndReadAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, List<(string Collection, string Id)> keys, CancellationToken cancellationToken)
    {
        var collections = keys.Select(key => key.Collection).Distinct().Order(StringComparer.Ordinal).ToArray();
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                Command(
                    "SELECT pg_advisory_xact_lock(lock) FROM (SELECT hashtextextended(key, 1) AS lock FROM unnest($1::text[]) AS key ORDER BY 1) AS keys",
                    keys.Select(key => $"{key.Collection}/{key.Id}").ToArray()),
                Command($"""
                    SELECT r.collection, r.id, r.version, r.data::text FROM {Schema}.records r
                    JOIN unnest($1::text[], $2::text[]) AS k(collection, id) USING (collection, id) WHERE NOT r.deleted
                    """,
                    keys.Select(key => key.Collection).ToArray(), keys.Select(key => key.Id).ToArray()),
                Command($"""
                    INSERT INTO {Schema}.collection_versions (collection, version) SELECT collection, 0 FROM unnest($1::text[]) AS collection ORDER BY 1
                    ON CONFLICT (collection) DO UPDATE SET version = {Schema}.collection_versions.version
                    RETURNING collection, version
                    """,
                    collections),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var records = keys.ToDictionary(key => key, _ => (StoredRecord?)null);
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var (collection, id) = (reader.GetString(0), reader.GetString(1));
            records[(collection, id)] = new StoredRecord(collection, id, reader.GetInt64(2), JsonNode.Parse(reader.GetString(3))!.AsObject());
        }

        await reader.NextResultAsync(cancellationToken);
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            versions[reader.GetString(0)] = reader.GetInt64(1);
        }

        return (records, versions);
    }

    /// <summary>Every record as its last change in the transaction left it (a record saved twice is stored once).</summary>
    private static NpgsqlBatchCommand SaveCommand(IReadOnlyList<RecordChange> changes)
    {
        var last = changes.GroupBy(change => (change.Stored.Collection, change.Stored.Id)).Select(group => group.Last()).ToList();
        var command = Command($"""
            INSERT INTO {Schema}.records (collection, id, version, data, deleted)
            SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::jsonb[], $5::boolean[])
            ON CONFLICT (collection, id) DO UPDATE SET version = EXCLUDED.version, data = EXCLUDED.data, deleted = EXCLUDED.deleted, updated_at = now()
            """,
            last.Select(change => change.Stored.Collection).ToArray(), last.Select(change => change.Stored.Id).ToArray(), last.Select(change => change.Stored.Version).ToArray());
        command.Parameters.Add(new NpgsqlParameter { Value = last.Select(change => change.Stored.Data.ToJsonString()).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = last.Select(change => change.Deleted).ToArray() });
        return command;
    }

    private static NpgsqlBatchCommand VersionsCommand(IReadOnlyDictionary<string, long> versions) => Command($"""
        UPDATE {Schema}.collection_versions c SET version = v.version FROM unnest($1::text[], $2::bigint[]) AS v(collection, version)
        WHERE c.collection = v.collection AND c.version <> v.version
        """,
        versions.Keys.ToArray(), versions.Values.ToArray());

    private static NpgsqlBatchCommand Command(string sql, params Array[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }
}
