using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;
using RealtimeSync.Contracts;
using RealtimeSync.Outbox;

namespace RealtimeSync.MergeApi.Records;

public enum WriteStatus
{
    Created,
    Updated,
    Unchanged,
}

public sealed record StoredRecord(string Collection, string Id, long Version, JsonObject Data);

public sealed record WriteResult(WriteStatus Status, StoredRecord Record, IReadOnlyList<string> ChangedFields);

/// <summary>
/// Reads and writes records in merge-api's schema. A write locks its row, so writes to one record
/// apply in order, and adds its RecordChanged event to the outbox in the same transaction.
/// </summary>
public sealed class RecordStore(NpgsqlDataSource dataSource, OutboxTable outbox, OutboxSignal outboxSignal)
{
    private const string Records = MergeApiExtensions.Schema + ".records";

    public async Task<StoredRecord?> GetAsync(string collection, string id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadAsync(connection, null, collection, id, forUpdate: false, cancellationToken);
    }

    public async Task<WriteResult> PutAsync(string collection, string id, JsonObject document, WriteContext context, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var current = await ReadAsync(connection, transaction, collection, id, forUpdate: true, cancellationToken);

        var changed = RecordDiff.ChangedFields(current?.Data, document);
        if (current is not null && changed.Count == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return new WriteResult(WriteStatus.Unchanged, current, changed);
        }

        var stored = await UpsertAsync(connection, transaction, collection, id, document, cancellationToken);
        var operation = current is null ? ChangeOperation.Created : ChangeOperation.Updated;
        await outbox.AddAsync(connection, transaction, new RecordChanged(
            Guid.NewGuid(), "merge-api", collection, id, stored.Version, operation, changed,
            RecordDiff.Values(document, changed), context.Actor, context.OriginConnectionId, DateTimeOffset.UtcNow), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        outboxSignal.Notify();
        return new WriteResult(current is null ? WriteStatus.Created : WriteStatus.Updated, stored, changed);
    }

    private static async Task<StoredRecord> UpsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string collection, string id, JsonObject document, CancellationToken cancellationToken)
    {
        // ON CONFLICT covers two first writes racing on a record that did not exist when both read it.
        await using var command = new NpgsqlCommand($"""
            INSERT INTO {Records} (collection, id, version, data) VALUES ($1, $2, nextval('{MergeApiExtensions.Schema}.record_version'), $3)
            ON CONFLICT (collection, id) DO UPDATE SET data = EXCLUDED.data, version = EXCLUDED.version, updated_at = now()
            RETURNING version
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = collection });
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = document.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb });
        var version = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        return new StoredRecord(collection, id, version, document);
    }

    private static async Task<StoredRecord?> ReadAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string collection, string id, bool forUpdate, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT version, data::text FROM {Records} WHERE collection = $1 AND id = $2{(forUpdate ? " FOR UPDATE" : "")}", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = collection });
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new StoredRecord(collection, id, reader.GetInt64(0), JsonNode.Parse(reader.GetString(1))!.AsObject());
    }
}

/// <summary>Who writes, and from which push connection (so the change is not echoed back to it).</summary>
public sealed record WriteContext(string? Actor, string? OriginConnectionId);
