using Npgsql;
using NpgsqlTypes;

namespace RealtimeSync.OdooIngest.Sync;

/// <summary>
/// Records that did not store (<c>sync_failures</c>), per stream, Odoo database and model: the error and the
/// attempts, kept until the record stores, so every run reads it again by id and an operator sees it meanwhile.
/// Written inside the transaction of the page that failed it, so a failure is never lost nor left behind.
/// </summary>
public sealed class RecordFailures(NpgsqlDataSource dataSource)
{
    private const string Schema = OdooIngestExtensions.Schema;

    public static async Task RecordAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string stream, string database, string model, int id, string? writeDate, string error, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            INSERT INTO {Schema}.sync_failures (stream, odoo_database, model, odoo_id, odoo_write_date, error) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (stream, odoo_database, model, odoo_id) DO UPDATE SET attempts = {Schema}.sync_failures.attempts + 1,
                error = EXCLUDED.error, odoo_write_date = EXCLUDED.odoo_write_date, last_failed_at = now()
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = stream });
        command.Parameters.Add(new NpgsqlParameter { Value = database });
        command.Parameters.Add(new NpgsqlParameter { Value = model });
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)writeDate ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = error });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Forgets failures of records that stored now (or are gone from Odoo).</summary>
    public static async Task ClearAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string stream, string database, string model, IReadOnlyCollection<int> ids, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"DELETE FROM {Schema}.sync_failures WHERE stream = $1 AND odoo_database = $2 AND model = $3 AND odoo_id = ANY($4)", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = stream });
        command.Parameters.Add(new NpgsqlParameter { Value = database });
        command.Parameters.Add(new NpgsqlParameter { Value = model });
        command.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Ids of records of <paramref name="model"/> that failed before: the next run reads them again by id.</summary>
    public async Task<IReadOnlyList<int>> FailedIdsAsync(string stream, string database, string model, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT odoo_id FROM {Schema}.sync_failures WHERE stream = $1 AND odoo_database = $2 AND model = $3 ORDER BY odoo_id");
        command.Parameters.Add(new NpgsqlParameter { Value = stream });
        command.Parameters.Add(new NpgsqlParameter { Value = database });
        command.Parameters.Add(new NpgsqlParameter { Value = model });
        var ids = new List<int>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt32(0));
        }

        return ids;
    }
}
