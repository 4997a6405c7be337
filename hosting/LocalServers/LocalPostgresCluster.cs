using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace RealtimeSync.Hosting.LocalServers;

/// <summary>The steps around a local PostgreSQL's process: the cluster before its first start, the databases once it is ready.</summary>
internal static class LocalPostgresCluster
{
    public static async Task PrepareAsync(LocalPostgresResource postgres, CancellationToken cancellationToken)
    {
        var sockets = Directory.CreateDirectory(postgres.SocketFolder).FullName;
        File.SetUnixFileMode(sockets, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await SystemAccount.OwnAsync(postgres.DataFolder, LocalPostgresResource.SystemUser, cancellationToken);
        if (File.Exists(Path.Combine(postgres.ClusterFolder, "PG_VERSION")))
        {
            return;
        }

        var passwordFile = Path.Combine(postgres.DataFolder, "initdb.pw");
        await StateFolder.WritePrivateAsync(passwordFile, await postgres.PasswordParameter.GetValueAsync(cancellationToken) ?? string.Empty, cancellationToken);
        try
        {
            await SystemAccount.OwnAsync(passwordFile, LocalPostgresResource.SystemUser, cancellationToken);
            // scram-sha-256 on TCP and on the socket alike: every connection gives the password.
            await SystemAccount.RunAsync(DebianPrograms.PostgresBin("initdb"),
                ["-D", postgres.ClusterFolder, "-U", LocalPostgresResource.UserName, $"--pwfile={passwordFile}",
                 "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"],
                SystemAccount.IsRoot ? LocalPostgresResource.SystemUser : null, cancellationToken);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    public static async Task CreateDatabasesAsync(LocalPostgresResource postgres, IServiceProvider services, CancellationToken cancellationToken)
    {
        var notifications = services.GetRequiredService<ResourceNotificationService>();
        var connectionString = await postgres.ConnectionStringExpression.GetValueAsync(cancellationToken);
        await using var connection = new NpgsqlConnection($"{connectionString};Database=postgres;Pooling=false");
        await connection.OpenAsync(cancellationToken);
        foreach (var database in postgres.Databases)
        {
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
            exists.Parameters.Add(new NpgsqlParameter { Value = database.DatabaseName });
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.DatabaseName.Replace("\"", "\"\"")}\"", connection);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }

            // Not a process of its own: it runs once it exists, and its health check says the rest.
            await notifications.PublishUpdateAsync(database, state => state with { State = KnownResourceStates.Running, StartTimeStamp = DateTime.UtcNow });
        }
    }
}
