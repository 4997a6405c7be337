using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;
using RealtimeSync.Contracts;
using RealtimeSync.MergeApi.Collections;
using RealtimeSync.MergeApi.Merging;
using RealtimeSync.Outbox;

namespace RealtimeSync.MergeApi.Records;

/// <summary>
/// Applies writes to merge-api's schema. Each write runs in one transaction: it locks its record (even one that
/// does not exist yet), merges, validates, skips a no-op, takes the collection's next version (so versions
/// follow commit order and <c>?since=</c> never skips a late commit), and writes the record, its history entry
/// and its RecordChanged event together.
/// </summary>
public sealed class RecordStore(NpgsqlDataSource dataSource, OutboxTable outbox, OutboxSignal outboxSignal, RecordHistory history, TimeProvider clock)
{
    private const string Schema = MergeApiExtensions.Schema;

    public async Task<StoredRecord?> GetAsync(string collection, string id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadAsync(connection, null, collection, id, cancellationToken) is { Deleted: false } row ? row.Record : null;
    }

    public async Task<WriteOutcome> WriteAsync(RecordWrite write, CollectionDefinition definition, CancellationToken cancellationToken)
    {
        var id = write.Id ?? (write.Body?[definition.Key] as JsonValue)?.ToString() ?? Guid.NewGuid().ToString("N");
        if (!PushTopics.IsSegment(id)) // an id names the record's push topic
        {
            return new WriteOutcome(WriteStatus.Invalid, Errors: new Dictionary<string, string[]> { [definition.Key] = ["must be 1-128 letters, digits, '.', '_' or '-'"] });
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockAsync(connection, transaction, write.Collection, id, cancellationToken);
        var current = await ReadAsync(connection, transaction, write.Collection, id, cancellationToken) is { Deleted: false } row ? row.Record : null;

        if (await PreconditionAsync(connection, transaction, write, current, cancellationToken) is { } failed)
        {
            return failed;
        }

        switch (write.Verb)
        {
            case WriteVerb.Post when current is not null:
                return new WriteOutcome(WriteStatus.AlreadyExists, current, Detail: $"'{id}' already exists in '{write.Collection}'; PUT or PATCH it.");
            case WriteVerb.Patch or WriteVerb.Delete when current is null:
                return new WriteOutcome(WriteStatus.NotFound, Detail: $"No record '{id}' in '{write.Collection}'.");
        }

        JsonObject? document = null;
        IReadOnlyList<string> ignored = [];
        if (write.Verb != WriteVerb.Delete)
        {
            var preserved = definition.PreservedFields.Concat(write.PreserveFields).ToHashSet(StringComparer.Ordinal);
            var input = write.Body!.DeepClone().AsObject();
            input.Remove(definition.Key);
            (var composed, ignored) = SmartMerge.Compose(write.Verb, current?.Data, input, preserved);
            document = composed;
            if (DocumentValidator.Validate(definition, composed) is { Count: > 0 } errors)
            {
                return new WriteOutcome(WriteStatus.Invalid, Errors: errors);
            }

            if (current is not null && SmartMerge.SameContent(current.Data, document))
            {
                return new WriteOutcome(WriteStatus.Unchanged, current, [], ignored);
            }

            SmartMerge.Stamp(document, current?.Data, write.Actor, clock.GetUtcNow());
        }

        var version = await NextVersionAsync(connection, transaction, write.Collection, cancellationToken);
        var changed = document is null ? current!.Data.Select(pair => pair.Key).Order(StringComparer.Ordinal).ToList() : RecordDiff.ChangedFields(current?.Data, document);
        var stored = new StoredRecord(write.Collection, id, version, document ?? current!.Data);
        await SaveAsync(connection, transaction, stored, deleted: document is null, cancellationToken);
        var operation = document is null ? ChangeOperation.Deleted : current is null ? ChangeOperation.Created : ChangeOperation.Updated;
        await history.AddAsync(connection, transaction, stored, operation, write.Actor, changed, current?.Data, document, cancellationToken);
        await outbox.AddAsync(connection, transaction, new RecordChanged(
            Guid.NewGuid(), "merge-api", write.Collection, id, version, operation, changed,
            document is null ? null : RecordDiff.Values(document, changed), write.Actor, write.OriginConnectionId, clock.GetUtcNow()), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        outboxSignal.Notify();

        var status = operation switch { ChangeOperation.Created => WriteStatus.Created, ChangeOperation.Deleted => WriteStatus.Deleted, _ => WriteStatus.Updated };
        return new WriteOutcome(status, stored, changed, ignored);
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

    /// <summary>If-Match: <c>*</c> needs the record to exist; a version must be the current one, else 412 with what changed since.</summary>
    private async Task<WriteOutcome?> PreconditionAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, RecordWrite write, StoredRecord? current, CancellationToken cancellationToken)
    {
        if (write.IfMatch is null)
        {
            return null;
        }

        if (write.IfMatch == "*")
        {
            return current is null ? new WriteOutcome(WriteStatus.PreconditionFailed, Detail: "If-Match: * but the record does not exist.") : null;
        }

        var listed = StrongVersions(write.IfMatch);
        if (current is not null && listed.Contains(current.Version))
        {
            return null;
        }

        var seen = listed.Count > 0
            ? await history.SnapshotAsync(connection, transaction, write.Collection, current?.Id ?? write.Id ?? string.Empty, listed.Max(), cancellationToken)
            : null;
        var changedSince = current is null ? [] : RecordDiff.ChangedFields(seen, current.Data).Where(field => !CollectionCatalog.ServerFields.Contains(field)).ToList();
        return new WriteOutcome(WriteStatus.PreconditionFailed, current, changedSince,
            Detail: current is null ? "The record no longer exists." : $"The record is at version {current.Version}, not {write.IfMatch}: someone else saved it meanwhile.");
    }

    /// <summary>The versions an If-Match list names (<c>"3", "4"</c>). RFC 9110 compares If-Match strongly, so a weak tag (<c>W/"3"</c>) matches nothing.</summary>
    private static List<long> StrongVersions(string ifMatch) => ifMatch.Split(',', StringSplitOptions.TrimEntries)
        .Where(tag => tag.Length > 2 && tag[0] == '"' && tag[^1] == '"')
        .Select(tag => long.TryParse(tag[1..^1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version) ? version : (long?)null)
        .OfType<long>().ToList();

    private static async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string collection, string id, CancellationToken cancellationToken)
    {
        // An advisory lock on the key also serializes two first writes of a record that does not exist yet.
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 1))", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = $"{collection}/{id}" });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<long> NextVersionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string collection, CancellationToken cancellationToken)
    {
        // Taken last, held to commit: a collection's versions are handed out in commit order.
        await using var command = new NpgsqlCommand($"""
            INSERT INTO {Schema}.collection_versions (collection, version) VALUES ($1, 1)
            ON CONFLICT (collection) DO UPDATE SET version = {Schema}.collection_versions.version + 1
            RETURNING version
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = collection });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task SaveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StoredRecord record, bool deleted, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            INSERT INTO {Schema}.records (collection, id, version, data, deleted) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (collection, id) DO UPDATE SET version = EXCLUDED.version, data = EXCLUDED.data, deleted = EXCLUDED.deleted, updated_at = now()
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = record.Collection });
        command.Parameters.Add(new NpgsqlParameter { Value = record.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = record.Version });
        command.Parameters.Add(new NpgsqlParameter { Value = record.Data.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = deleted });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<(StoredRecord Record, bool Deleted)?> ReadAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string collection, string id, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT version, data::text, deleted FROM {Schema}.records WHERE collection = $1 AND id = $2", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = collection });
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? (new StoredRecord(collection, id, reader.GetInt64(0), JsonNode.Parse(reader.GetString(1))!.AsObject()), reader.GetBoolean(2))
            : null;
    }
}
