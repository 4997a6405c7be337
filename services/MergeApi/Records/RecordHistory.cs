using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace RealtimeSync.MergeApi.Records;

/// <summary>One change in a record's history: who, when, which fields, the document before and after.</summary>
public sealed record HistoryEntry(long Version, string Operation, string? Actor, DateTimeOffset At, IReadOnlyList<string> ChangedFields, JsonObject? Before, JsonObject? After);

/// <summary>Every committed change, kept whole, so any version of a record can be rebuilt and nothing is ever lost.</summary>
public sealed class RecordHistory(NpgsqlDataSource dataSource)
{
    private const string Table = MergeApiExtensions.Schema + ".history";

    /// <summary>The statement that adds every change of a transaction to the history, for the store to send with its own.</summary>
    internal static NpgsqlBatchCommand AddManyCommand(IReadOnlyList<RecordChange> changes)
    {
        // A change's fields go as one JSON array each: unnest cannot take a ragged text[][].
        var command = new NpgsqlBatchCommand($"""
            INSERT INTO {Table} (collection, id, version, operation, actor, changed_fields, before, after)
            SELECT collection, id, version, operation, actor, ARRAY(SELECT jsonb_array_elements_text(changed)), before, after
            FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::jsonb[], $7::jsonb[], $8::jsonb[])
                AS c(collection, id, version, operation, actor, changed, before, after)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = changes.Select(change => change.Stored.Collection).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = changes.Select(change => change.Stored.Id).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = changes.Select(change => change.Stored.Version).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = changes.Select(change => change.Operation.ToString().ToLowerInvariant()).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = changes.Select(change => change.Actor).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = changes.Select(change => JsonSerializer.Serialize(change.Changed)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = changes.Select(change => change.Before?.ToJsonString()).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = changes.Select(change => change.After?.ToJsonString()).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        return command;
    }

    /// <summary>Up to <paramref name="limit"/> changes after version <paramref name="since"/>, oldest first.</summary>
    public async Task<IReadOnlyList<HistoryEntry>> ListAsync(string collection, string id, long since, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT version, operation, actor, at, changed_fields, before::text, after::text FROM {Table}
            WHERE collection = $1 AND id = $2 AND version > $3 ORDER BY version LIMIT $4
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = collection });
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = since });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<HistoryEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new HistoryEntry(
                reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3),
                reader.GetFieldValue<string[]>(4), Parse(reader, 5), Parse(reader, 6)));
        }

        return entries;
    }

    /// <summary>Whether the record was ever written.</summary>
    public async Task<bool> ExistsAsync(string collection, string id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT EXISTS (SELECT 1 FROM {Table} WHERE collection = $1 AND id = $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = collection });
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    /// <summary>The record as it was at <paramref name="version"/> (null if that version is not in its history).</summary>
    public static async Task<JsonObject?> SnapshotAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string collection, string id, long version, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT after::text FROM {Table} WHERE collection = $1 AND id = $2 AND version = $3", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = collection });
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = version });
        return await command.ExecuteScalarAsync(cancellationToken) is string json ? JsonNode.Parse(json)!.AsObject() : null;
    }

    private static JsonObject? Parse(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : JsonNode.Parse(reader.GetString(ordinal))!.AsObject();
}
