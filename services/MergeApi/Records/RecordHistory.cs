using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;
using RealtimeSync.Contracts;

namespace RealtimeSync.MergeApi.Records;

/// <summary>One change in a record's history: who, when, which fields, the document before and after.</summary>
public sealed record HistoryEntry(long Version, string Operation, string? Actor, DateTimeOffset At, IReadOnlyList<string> ChangedFields, JsonObject? Before, JsonObject? After);

/// <summary>Every committed change, kept whole, so any version of a record can be rebuilt and nothing is ever lost.</summary>
public sealed class RecordHistory(NpgsqlDataSource dataSource)
{
    private const string Table = MergeApiExtensions.Schema + ".history";

    public async Task AddAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, StoredRecord record, ChangeOperation operation, string? actor,
        IReadOnlyList<string> changed, JsonObject? before, JsonObject? after, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"INSERT INTO {Table} (collection, id, version, operation, actor, changed_fields, before, after) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = record.Collection });
        command.Parameters.Add(new NpgsqlParameter { Value = record.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = record.Version });
        command.Parameters.Add(new NpgsqlParameter { Value = operation.ToString().ToLowerInvariant() });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)actor ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = changed.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)before?.ToJsonString() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)after?.ToJsonString() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<HistoryEntry>> ListAsync(string collection, string id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT version, operation, actor, at, changed_fields, before::text, after::text FROM {Table} WHERE collection = $1 AND id = $2 ORDER BY version");
        command.Parameters.Add(new NpgsqlParameter { Value = collection });
        command.Parameters.Add(new NpgsqlParameter { Value = id });
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

    /// <summary>The record as it was at <paramref name="version"/> (null if that version is not in its history).</summary>
    public async Task<JsonObject?> SnapshotAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string collection, string id, long version, CancellationToken cancellationToken)
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
