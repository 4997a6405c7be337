using Npgsql;

namespace RealtimeSync.FunctionalTests.Infrastructure;

/// <summary>
/// A schema of one test's own in one of the system's databases, so it can shape tables as it needs without touching
/// the services' own; dropped with everything in it when the test ends.
/// </summary>
public sealed class ScratchSchema(RealtimeSystem system, string database, string prefix) : IAsyncDisposable
{
    public string Name { get; } = prefix + Guid.NewGuid().ToString("N")[..8];

    public NpgsqlDataSource DataSource { get; } = NpgsqlDataSource.Create(system.ConnectionString(database));

    public async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ExecuteAsync($"DROP SCHEMA IF EXISTS {Name} CASCADE");
        }
        finally
        {
            await DataSource.DisposeAsync();
        }
    }
}
