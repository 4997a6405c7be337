using Npgsql;

namespace RealtimeSync.OdooIngest.Sync;

/// <summary>
/// One runner per stream and Odoo database, across every replica: a PostgreSQL session advisory lock held on
/// a connection of its own for the whole run. If the holder dies, its connection closes and PostgreSQL frees
/// the lock; nothing like seed 001's is_syncing flag can stay stuck.
/// </summary>
public sealed class StreamLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly string _key;

    private StreamLock(NpgsqlConnection connection, string key)
    {
        _connection = connection;
        _key = key;
    }

    public static async Task<StreamLock?> TryAcquireAsync(NpgsqlDataSource dataSource, string stream, string database, CancellationToken cancellationToken)
    {
        var key = Key(stream, database);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended($1, 0))", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        if (await command.ExecuteScalarAsync(cancellationToken) is true)
        {
            return new StreamLock(connection, key);
        }

        await connection.DisposeAsync();
        return null;
    }

    /// <summary>Whether some session (this process's or another's) holds the stream's lock right now.</summary>
    public static async Task<bool> IsHeldAsync(NpgsqlDataSource dataSource, string stream, string database, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted
                AND ((classid::bigint << 32) | objid::bigint) = (hashtextextended($1, 0) & 'xFFFFFFFFFFFFFFFF'::bit(64)::bigint))
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = Key(stream, database) });
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtextextended($1, 0))", _connection);
            command.Parameters.Add(new NpgsqlParameter { Value = _key });
            await command.ExecuteScalarAsync();
        }
        finally
        {
            await _connection.DisposeAsync(); // closing the session frees the lock anyway
        }
    }

    private static string Key(string stream, string database) => $"odoo-ingest:{stream}:{database}";
}
