using Npgsql;
using RealtimeSync.Outbox;
using RealtimeSync.ServiceDefaults.Clients;

namespace RealtimeSync.OdooIngest.Storage;

/// <summary>Creates odoo-ingest's schema at start (idempotent): seed 001's SyncState, and the outbox.</summary>
internal sealed class OdooIngestSchema(NpgsqlDataSource dataSource, OutboxTable outbox, ILogger<OdooIngestSchema> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        SchemaMigration.ApplyAsync(dataSource, OdooIngestExtensions.Schema, $"""
            CREATE SCHEMA IF NOT EXISTS {OdooIngestExtensions.Schema};
            CREATE TABLE IF NOT EXISTS {OdooIngestExtensions.Schema}.sync_state (
                stream        text NOT NULL,
                odoo_database text NOT NULL,
                watermark     timestamptz,
                is_syncing    boolean NOT NULL DEFAULT false,
                updated_at    timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (stream, odoo_database)
            );
            {outbox.CreateSql}
            """, logger, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
