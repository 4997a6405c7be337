using System.Text.Json.Nodes;
using Npgsql;

namespace RealtimeSync.OdooIngest.Sync;

/// <summary>A query's rows as a JSON array, built by PostgreSQL itself (row_to_json): what the operational endpoints answer, column names as keys.</summary>
public static class JsonRows
{
    public static async Task<JsonArray> QueryAsync(NpgsqlDataSource dataSource, string sql, Action<NpgsqlParameterCollection>? parameters, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT coalesce(jsonb_agg(row_to_json(q)), '[]'::jsonb)::text FROM ({sql}) q");
        parameters?.Invoke(command.Parameters);
        return JsonNode.Parse((string)(await command.ExecuteScalarAsync(cancellationToken))!)!.AsArray();
    }
}
