using Npgsql;

namespace RealtimeSync.AppHost.Hosting.Orchestration.Runners;

/// <summary>Creates a database on its (ready) server if it does not exist yet, as Aspire 9.1+ does for AddDatabase.</summary>
internal sealed class DatabaseRunner(PostgresDatabaseResource database) : IResourceRunner
{
    public Resource Resource => database;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(database.Parent.ConnectionStringExpression.GetValue() + ";Database=postgres;Pooling=false");
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
        exists.Parameters.Add(new NpgsqlParameter { Value = database.DatabaseName });
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.DatabaseName.Replace("\"", "\"\"")}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public Task StopAsync() => Task.CompletedTask;
}
