using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;
using RealtimeSync.Contracts;
using RealtimeSync.Contracts.Documents;
using RealtimeSync.Outbox;

namespace RealtimeSync.OdooIngest.Sync;

/// <summary>A record as stored: its data, version and whether it is a tombstone.</summary>
public sealed record StoredRecord(JsonObject Data, long Version, bool Archived);

public enum RecordOutcome
{
    Created,
    Updated,
    Unchanged,
    Archived,
}

/// <summary>
/// The synced copy of Odoo records, keyed by (Odoo database, model, Odoo id), with the event of every change
/// written to the outbox in the caller's transaction. A re-read that changes nothing writes nothing and
/// publishes nothing; records gone from Odoo are archived (a tombstone), never silently deleted.
/// </summary>
public sealed class IngestedRecords(OutboxTable outbox)
{
    private const string Table = OdooIngestExtensions.Schema + ".records";

    /// <summary>
    /// Stores one record as Odoo sent it (<paramref name="odooRecord"/> holds id, write_date and the stream's fields),
    /// given what is stored now (<paramref name="stored"/>, read for the whole page by <see cref="ReadManyAsync"/>).
    /// </summary>
    public async Task<RecordOutcome> UpsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string database, string model, JsonObject odooRecord, int? parentId, StoredRecord? stored,
        CancellationToken cancellationToken)
    {
        var id = (int)odooRecord["id"]!;
        var writeDate = odooRecord["write_date"] is JsonValue stamp && stamp.TryGetValue<string>(out var text) ? text : null;
        var data = new JsonObject(odooRecord.Where(pair => pair.Key is not ("id" or "write_date" or "create_date")).Select(pair => KeyValuePair.Create(pair.Key, pair.Value?.DeepClone())));

        // The shape every stored document keeps (DocumentShape): a record Odoo sends beyond it fails alone, visibly.
        if ((DocumentShape.UnstorableText(data) ?? DocumentShape.ShapeProblem(data)) is { } unstorable)
        {
            throw new InvalidDataException($"cannot be stored: {unstorable}");
        }

        var (current, version, archived) = (stored?.Data, stored?.Version ?? 0, stored?.Archived ?? false);
        if (current is not null && !archived && JsonNode.DeepEquals(current, data))
        {
            return RecordOutcome.Unchanged;
        }

        var changed = RecordDiff.ChangedFields(archived ? null : current, data);
        await using (var command = new NpgsqlCommand($"""
            INSERT INTO {Table} (odoo_database, model, odoo_id, parent_id, data, odoo_write_date, version)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (odoo_database, model, odoo_id) DO UPDATE SET parent_id = EXCLUDED.parent_id, data = EXCLUDED.data,
                odoo_write_date = EXCLUDED.odoo_write_date, version = {Table}.version + 1, archived_at = NULL, archived_reason = NULL, synced_at = now()
            RETURNING version
            """, connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = database });
            command.Parameters.Add(new NpgsqlParameter { Value = model });
            command.Parameters.Add(new NpgsqlParameter { Value = id });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)parentId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
            command.Parameters.Add(new NpgsqlParameter { Value = data.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)writeDate ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = 1L });
            version = (long)(await command.ExecuteScalarAsync(cancellationToken))!; // from the row itself, never from a snapshot read earlier
        }

        var operation = current is null || archived ? ChangeOperation.Created : ChangeOperation.Updated;
        await PublishAsync(connection, transaction, database, model, id, version, operation, changed, RecordDiff.Values(data, changed), cancellationToken);
        return operation == ChangeOperation.Created ? RecordOutcome.Created : RecordOutcome.Updated;
    }

    /// <summary>Archives local records that Odoo no longer has (a tombstone with the reason), and publishes their deletion.</summary>
    public async Task<int> ArchiveAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string database, string model, IReadOnlyCollection<int> ids, string reason, CancellationToken cancellationToken,
        int? onlyUnderParent = null)
    {
        if (ids.Count == 0)
        {
            return 0;
        }

        await using var command = new NpgsqlCommand($"""
            UPDATE {Table} SET archived_at = now(), archived_reason = $4, version = version + 1
            WHERE odoo_database = $1 AND model = $2 AND odoo_id = ANY($3) AND archived_at IS NULL AND ($5::integer IS NULL OR parent_id = $5)
            RETURNING odoo_id, version
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = database });
        command.Parameters.Add(new NpgsqlParameter { Value = model });
        command.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = reason });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)onlyUnderParent ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        var archived = new List<(int Id, long Version)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                archived.Add((reader.GetInt32(0), reader.GetInt64(1)));
            }
        }

        foreach (var (id, version) in archived)
        {
            await PublishAsync(connection, transaction, database, model, id, version, ChangeOperation.Deleted, [], null, cancellationToken);
        }

        return archived.Count;
    }

    /// <summary>Ids of the live (not archived) local records of a model.</summary>
    public static async Task<HashSet<int>> LiveIdsAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string database, string model, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT odoo_id FROM {Table} WHERE odoo_database = $1 AND model = $2 AND archived_at IS NULL", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = database });
        command.Parameters.Add(new NpgsqlParameter { Value = model });
        var ids = new HashSet<int>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt32(0));
        }

        return ids;
    }

    /// <summary>What is stored for <paramref name="ids"/>, locked for the caller's transaction: one query per page, not per record.</summary>
    public static async Task<Dictionary<int, StoredRecord>> ReadManyAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string database, string model, IReadOnlyCollection<int> ids, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT odoo_id, data::text, version, archived_at IS NOT NULL FROM {Table} WHERE odoo_database = $1 AND model = $2 AND odoo_id = ANY($3) FOR UPDATE",
            connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = database });
        command.Parameters.Add(new NpgsqlParameter { Value = model });
        command.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
        var stored = new Dictionary<int, StoredRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            stored[reader.GetInt32(0)] = new StoredRecord(JsonNode.Parse(reader.GetString(1))!.AsObject(), reader.GetInt64(2), reader.GetBoolean(3));
        }

        return stored;
    }

    /// <summary>The live children of each of <paramref name="parents"/>, for the orphan check of a whole page.</summary>
    public static async Task<Dictionary<int, HashSet<int>>> LiveChildrenAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string database, string model, IReadOnlyCollection<int> parents, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT parent_id, odoo_id FROM {Table} WHERE odoo_database = $1 AND model = $2 AND parent_id = ANY($3) AND archived_at IS NULL", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = database });
        command.Parameters.Add(new NpgsqlParameter { Value = model });
        command.Parameters.Add(new NpgsqlParameter { Value = parents.ToArray() });
        var children = new Dictionary<int, HashSet<int>>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            (children.TryGetValue(reader.GetInt32(0), out var set) ? set : children[reader.GetInt32(0)] = []).Add(reader.GetInt32(1));
        }

        return children;
    }

    private Task PublishAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string database, string model, int id, long version,
        ChangeOperation operation, IReadOnlyList<string> changed, JsonObject? values, CancellationToken cancellationToken) =>
        outbox.AddAsync(connection, transaction, new RecordChanged(
            Guid.NewGuid(), "odoo-ingest", model, id.ToString(System.Globalization.CultureInfo.InvariantCulture), version, operation, changed, values,
            $"odoo:{database}", null, DateTimeOffset.UtcNow), cancellationToken);
}
