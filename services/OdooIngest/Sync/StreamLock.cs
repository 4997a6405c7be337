using Npgsql;

namespace RealtimeSync.OdooIngest.Sync;

/// <summary>
/// One runner per stream and Odoo database, across every replica: a PostgreSQL session advisory lock held on
/// a connection of its own for the whole run. If the holder dies, its connection closes and PostgreSQL frees
/// the lock; nothing like seed 001's is_syncing flag can stay stuck. TCP keepalives on that session let the
/// server notice a holder whose host vanished within seconds, not hours. Because the lock can be lost while
/// the runner goes on (its session killed, the network cut), every write of the run is fenced: it commits
/// only if this lock's session still holds the lock (<see cref="AssertHeldAsync"/>).
/// </summary>
public sealed class StreamLock : IAsyncDisposable
{
    private const string LockKey = "(hashtextextended($1, 0) & 'xFFFFFFFFFFFFFFFF'::bit(64)::bigint)";
    private readonly NpgsqlConnection _connection;
    private readonly string _key;
    private readonly int _sessionPid;

    private StreamLock(NpgsqlConnection connection, string key, int sessionPid)
    {
        _connection = connection;
        _key = key;
        _sessionPid = sessionPid;
    }

    public static async Task<StreamLock?> TryAcquireAsync(NpgsqlDataSource dataSource, string stream, string database, CancellationToken cancellationToken)
    {
        var key = Key(stream, database);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var keepalive = new NpgsqlCommand("SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3", connection))
        {
            await keepalive.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended($1, 0)), pg_backend_pid()", connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = key });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken) && reader.GetBoolean(0))
            {
                return new StreamLock(connection, key, reader.GetInt32(1));
            }
        }

        await connection.DisposeAsync();
        return null;
    }

    /// <summary>Whether some session (this process's or another's) holds the stream's lock right now.</summary>
    public static async Task<bool> IsHeldAsync(NpgsqlDataSource dataSource, string stream, string database, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(HeldQuery("true"));
        command.Parameters.Add(new NpgsqlParameter { Value = Key(stream, database) });
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    /// <summary>The fence: inside a run's transaction, before it commits, proves that this lock is still held.</summary>
    public async Task AssertHeldAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(HeldQuery("pid = $2"), connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = _key });
        command.Parameters.Add(new NpgsqlParameter { Value = _sessionPid });
        if (await command.ExecuteScalarAsync(cancellationToken) is not true)
        {
            throw new StreamLockLostException($"The run lost its stream lock (session {_sessionPid} ended); it stops without committing, and the next run goes on from the last committed page.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtextextended($1, 0))", _connection);
            command.Parameters.Add(new NpgsqlParameter { Value = _key });
            await command.ExecuteScalarAsync();
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // The session is gone already, and the lock with it.
        }
        finally
        {
            await _connection.DisposeAsync(); // closing the session frees the lock anyway
        }
    }

    private static string HeldQuery(string holder) => $"""
        SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND {holder}
            AND ((classid::bigint << 32) | objid::bigint) = {LockKey})
        """;

    private static string Key(string stream, string database) => $"odoo-ingest:{stream}:{database}";
}

/// <summary>A run found that it no longer holds its stream's lock: another runner may hold it now.</summary>
public sealed class StreamLockLostException(string message) : Exception(message);
