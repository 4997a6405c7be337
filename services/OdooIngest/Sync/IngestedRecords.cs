using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;
using RealtimeSync.Contracts;
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
    /// Stores a batch of records in one statement and adds the event of each change to <paramref name="changes"/>.
    /// Only a new record, a changed one or a tombstone brought back is written (its version from the row itself);
    /// an unchanged re-read writes and publishes nothing, and one whose write_date alone moved writes only that.
    /// </summary>
    public static async Task<List<WrittenRecord>> StoreManyAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string database, IReadOnlyList<IncomingRecord> incoming, List<RecordChanged> changes,
        CancellationToken cancellationToken)
    {
        var written = new List<WrittenRecord>();
        if (incoming.Count == 0)
        {
            return written;
        }

        await using var command = PageUpsertCommand(Table, database, incoming);
        command.Connection = connection;
        command.Transaction = transaction;
        var byKey = incoming.ToDictionary(record => (record.Model, record.Id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var record = byKey[(reader.GetString(0), reader.GetInt32(1))];
            var version = reader.GetInt64(2);
            var created = reader.GetBoolean(3);
            var formerParent = reader.IsDBNull(4) ? (int?)null : reader.GetInt32(4);

            // A new record's event carries its whole data (every field changed): the same object, not a copy of it.
            var changed = created ? record.Data.Select(pair => pair.Key).Order(StringComparer.Ordinal).ToList() : [.. reader.GetFieldValue<string[]>(5)];
            var values = created ? record.Data : RecordDiff.Values(record.Data, changed);
            changes.Add(Change(database, record.Model, record.Id, version, created ? ChangeOperation.Created : ChangeOperation.Updated, changed, values));
            written.Add(new WrittenRecord(record.Model, record.Id, created ? RecordOutcome.Created : RecordOutcome.Updated, record.ParentId, formerParent));
        }

        return written;
    }

    /// <summary>The statement that stores one page into <paramref name="table"/>: what StoreManyAsync runs, and what the plan test explains.</summary>
    internal static NpgsqlCommand PageUpsertCommand(string table, string database, IReadOnlyList<IncomingRecord> incoming)
    {
        // What each row held before is read from the statement's snapshot (a runner is alone on its stream, under its
        // lock). Only changed rows come back, joined to that snapshot: nothing joins the whole input twice. Each row's
        // former self is one key lookup (LIMIT 1 keeps the planner from turning the lookups into a join): a join could
        // hash every stored record of the database for each page, which it did while the table had no fresh statistics,
        // so a page's cost grew with the table (decision 0029).
        var command = new NpgsqlCommand($"""
            WITH input AS (
                SELECT * FROM unnest($2::text[], $3::integer[], $4::integer[], $5::jsonb[], $6::text[]) AS i(model, odoo_id, parent_id, data, odoo_write_date)
            ), old AS (
                SELECT i.model, i.odoo_id, r.parent_id, r.data, r.archived
                FROM input i CROSS JOIN LATERAL (
                    SELECT r.parent_id, r.data, r.archived_at IS NOT NULL AS archived FROM {table} r
                    WHERE r.odoo_database = $1 AND r.model = i.model AND r.odoo_id = i.odoo_id LIMIT 1) r
            ), written AS (
                INSERT INTO {table} AS r (odoo_database, model, odoo_id, parent_id, data, odoo_write_date, version)
                SELECT $1, model, odoo_id, parent_id, data, odoo_write_date, 1 FROM input
                ON CONFLICT (odoo_database, model, odoo_id) DO UPDATE SET parent_id = EXCLUDED.parent_id, data = EXCLUDED.data,
                    odoo_write_date = EXCLUDED.odoo_write_date, archived_at = NULL, archived_reason = NULL, synced_at = now(),
                    version = CASE WHEN r.archived_at IS NOT NULL OR r.data IS DISTINCT FROM EXCLUDED.data THEN r.version + 1 ELSE r.version END
                    WHERE r.archived_at IS NOT NULL OR r.data IS DISTINCT FROM EXCLUDED.data OR r.odoo_write_date IS DISTINCT FROM EXCLUDED.odoo_write_date
                RETURNING r.model, r.odoo_id, r.version, r.data
            )
            SELECT w.model, w.odoo_id, w.version, o.odoo_id IS NULL OR o.archived, o.parent_id,
                CASE WHEN o.odoo_id IS NULL OR o.archived THEN NULL ELSE ARRAY(
                    SELECT k.key FROM (SELECT jsonb_object_keys(w.data) UNION SELECT jsonb_object_keys(o.data)) AS k(key)
                    WHERE w.data -> k.key IS DISTINCT FROM o.data -> k.key ORDER BY k.key COLLATE "C") END
            FROM written w LEFT JOIN old o ON o.model = w.model AND o.odoo_id = w.odoo_id
            -- A new write_date with the same data (a field not synced changed) is kept for the overlap sweep's comparison, as no change.
            WHERE o.odoo_id IS NULL OR o.archived OR o.data IS DISTINCT FROM w.data
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = database });
        command.Parameters.Add(new NpgsqlParameter { Value = incoming.Select(record => record.Model).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = incoming.Select(record => record.Id).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = incoming.Select(record => record.ParentId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter { Value = incoming.Select(record => record.Data.ToJsonString()).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = incoming.Select(record => record.WriteDate).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        return command;
    }

    /// <summary>
    /// Replaces the data of stored parents whose relation fields were brought in line with their children
    /// (<see cref="ParentRelations"/>): a new version and an update event of the fields it changed.
    /// </summary>
    public static async Task<int> ReplaceDataAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string database, string model, IReadOnlyList<(int Id, JsonObject Data, IReadOnlyList<string> Fields)> parents,
        List<RecordChanged> changes, CancellationToken cancellationToken)
    {
        if (parents.Count == 0)
        {
            return 0;
        }

        await using var command = new NpgsqlCommand($"""
            UPDATE {Table} r SET data = u.data, version = r.version + 1, synced_at = now()
            FROM unnest($3::integer[], $4::jsonb[]) AS u(odoo_id, data)
            -- odoo_id = ANY keeps the rows read a key lookup each, whatever the statistics (decision 0029).
            WHERE r.odoo_database = $1 AND r.model = $2 AND r.odoo_id = ANY($3) AND r.odoo_id = u.odoo_id AND r.archived_at IS NULL
            RETURNING r.odoo_id, r.version
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = database });
        command.Parameters.Add(new NpgsqlParameter { Value = model });
        command.Parameters.Add(new NpgsqlParameter { Value = parents.Select(parent => parent.Id).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = parents.Select(parent => parent.Data.ToJsonString()).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        var byId = parents.ToDictionary(parent => parent.Id);
        var count = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var (id, data, fields) = byId[reader.GetInt32(0)];
            changes.Add(Change(database, model, id, reader.GetInt64(1), ChangeOperation.Updated, fields, RecordDiff.Values(data, fields)));
            count++;
        }

        return count;
    }

    /// <summary>Archives local records that Odoo no longer has (a tombstone with the reason); returns them with the parent each had, their deletions added to <paramref name="changes"/>.</summary>
    public static Task<List<(int Id, int? Parent)>> ArchiveAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string database, string model, IReadOnlyCollection<int> ids, string reason,
        List<RecordChanged> changes, CancellationToken cancellationToken) =>
        ArchiveWhereAsync(connection, transaction, database, model, "odoo_id = ANY($4)", ids.ToArray(), [], reason, changes, cancellationToken);

    /// <summary>
    /// Archives the live children of <paramref name="parents"/> that none of them lists any more (their Odoo
    /// lists, <paramref name="listed"/>, just read): removed from their parent in Odoo. One statement for a page.
    /// </summary>
    public static Task<List<(int Id, int? Parent)>> ArchiveOrphansAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string database, string model, IReadOnlyCollection<int> parents, IReadOnlyCollection<int> listed,
        List<RecordChanged> changes, CancellationToken cancellationToken) =>
        ArchiveWhereAsync(connection, transaction, database, model, "parent_id = ANY($4) AND NOT (odoo_id = ANY($5))", parents.ToArray(), listed.ToArray(),
            "removed from its parent in Odoo", changes, cancellationToken);

    /// <summary>
    /// Ids of the live (not archived) local records of a model; with <paramref name="among"/>, only those, locked for
    /// the caller's transaction (lone children are about to be stored under them).
    /// </summary>
    public static async Task<HashSet<int>> LiveIdsAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string database, string model, CancellationToken cancellationToken, IReadOnlyCollection<int>? among = null)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT odoo_id FROM {Table} WHERE odoo_database = $1 AND model = $2 AND archived_at IS NULL" + (among is null ? string.Empty : " AND odoo_id = ANY($3) FOR UPDATE"),
            connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = database });
        command.Parameters.Add(new NpgsqlParameter { Value = model });
        if (among is not null)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = among.ToArray() });
        }

        var ids = new HashSet<int>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt32(0));
        }

        return ids;
    }

    /// <summary>The stored write_date of each of <paramref name="ids"/> that is stored (tombstones too), as Odoo sent it: what the overlap sweep compares.</summary>
    public static async Task<Dictionary<int, string?>> WriteDatesAsync(
        NpgsqlDataSource dataSource, string database, string model, IReadOnlyCollection<int> ids, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT odoo_id, odoo_write_date FROM {Table} WHERE odoo_database = $1 AND model = $2 AND odoo_id = ANY($3)");
        command.Parameters.Add(new NpgsqlParameter { Value = database });
        command.Parameters.Add(new NpgsqlParameter { Value = model });
        command.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
        var stored = new Dictionary<int, string?>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            stored[reader.GetInt32(0)] = reader.IsDBNull(1) ? null : reader.GetString(1);
        }

        return stored;
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

    /// <summary>Adds the events of a batch to the outbox, in the caller's transaction.</summary>
    public Task PublishAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyCollection<RecordChanged> changes, CancellationToken cancellationToken) =>
        outbox.AddManyAsync(connection, transaction, changes, cancellationToken);

    private static async Task<List<(int Id, int? Parent)>> ArchiveWhereAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string database, string model, string which, int[] first, int[] second, string reason,
        List<RecordChanged> changes, CancellationToken cancellationToken)
    {
        var archived = new List<(int, int?)>();
        if (first.Length == 0)
        {
            return archived;
        }

        await using var command = new NpgsqlCommand($"""
            UPDATE {Table} SET archived_at = now(), archived_reason = $3, version = version + 1
            WHERE odoo_database = $1 AND model = $2 AND archived_at IS NULL AND {which}
            RETURNING odoo_id, version, parent_id
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = database });
        command.Parameters.Add(new NpgsqlParameter { Value = model });
        command.Parameters.Add(new NpgsqlParameter { Value = reason });
        command.Parameters.Add(new NpgsqlParameter { Value = first });
        command.Parameters.Add(new NpgsqlParameter { Value = second });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetInt32(0);
            changes.Add(Change(database, model, id, reader.GetInt64(1), ChangeOperation.Deleted, [], null));
            archived.Add((id, reader.IsDBNull(2) ? null : reader.GetInt32(2)));
        }

        return archived;
    }

    // Event ids are time-ordered (UUIDv7): the outbox's unique index on them then grows at its end, not at a random page per row.
    private static RecordChanged Change(string database, string model, int id, long version, ChangeOperation operation, IReadOnlyList<string> changed, JsonObject? values) =>
        new(Guid.CreateVersion7(), "odoo-ingest", model, id.ToString(System.Globalization.CultureInfo.InvariantCulture), version, operation, changed, values,
            $"odoo:{database}", null, DateTimeOffset.UtcNow);
}
