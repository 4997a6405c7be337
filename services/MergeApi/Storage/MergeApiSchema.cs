using Npgsql;
using RealtimeSync.Outbox;
using RealtimeSync.ServiceDefaults.Clients;

namespace RealtimeSync.MergeApi.Storage;

/// <summary>Creates merge-api's schema at start (idempotent), before the service takes traffic.</summary>
internal sealed class MergeApiSchema(NpgsqlDataSource dataSource, OutboxTable outbox, ILogger<MergeApiSchema> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await SchemaMigration.ApplyAsync(dataSource, MergeApiExtensions.Schema, $"""
                CREATE SCHEMA IF NOT EXISTS {MergeApiExtensions.Schema};
                CREATE SEQUENCE IF NOT EXISTS {MergeApiExtensions.Schema}.record_version;
                CREATE TABLE IF NOT EXISTS {MergeApiExtensions.Schema}.records (
                    collection text NOT NULL,
                    id         text NOT NULL,
                    version    bigint NOT NULL,
                    data       jsonb NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    updated_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (collection, id)
                );
                {outbox.CreateSql}
                """, logger, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
