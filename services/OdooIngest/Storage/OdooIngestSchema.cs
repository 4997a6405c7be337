using Npgsql;
using RealtimeSync.Outbox;

namespace RealtimeSync.OdooIngest.Storage;

/// <summary>Creates odoo-ingest's schema at start (idempotent): synced records, seed 001's SyncState and SyncLog, failures, the outbox.</summary>
internal sealed class OdooIngestSchema(NpgsqlDataSource dataSource, OutboxTable outbox, ILogger<OdooIngestSchema> logger) : IHostedService
{
    private const string Schema = OdooIngestExtensions.Schema;

    public Task StartAsync(CancellationToken cancellationToken) =>
        SchemaMigration.ApplyAsync(dataSource, Schema, $"""
            CREATE SCHEMA IF NOT EXISTS {Schema};
            -- One row per Odoo record, whatever the model; never hard-deleted (archived_at is the tombstone).
            CREATE TABLE IF NOT EXISTS {Schema}.records (
                odoo_database   text NOT NULL,
                model           text NOT NULL,
                odoo_id         integer NOT NULL,
                parent_id       integer,
                data            jsonb NOT NULL,
                odoo_write_date text,
                version         bigint NOT NULL,
                archived_at     timestamptz,
                archived_reason text,
                synced_at       timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (odoo_database, model, odoo_id)
            );
            CREATE INDEX IF NOT EXISTS records_children ON {Schema}.records (odoo_database, model, parent_id) WHERE parent_id IS NOT NULL;
            -- No plan selects rows by their data, and its statistics were three quarters of each analysis (decision 0017). The
            -- plans only need how many rows a parent or a model has: a target of 10 samples 3,000 rows instead of 30,000.
            ALTER TABLE {Schema}.records ALTER COLUMN data SET STATISTICS 0,
                ALTER COLUMN odoo_database SET STATISTICS 10, ALTER COLUMN model SET STATISTICS 10, ALTER COLUMN odoo_id SET STATISTICS 10,
                ALTER COLUMN parent_id SET STATISTICS 10, ALTER COLUMN odoo_write_date SET STATISTICS 10, ALTER COLUMN version SET STATISTICS 10,
                ALTER COLUMN archived_at SET STATISTICS 10, ALTER COLUMN archived_reason SET STATISTICS 10, ALTER COLUMN synced_at SET STATISTICS 10;
            CREATE TABLE IF NOT EXISTS {Schema}.sync_state (
                stream        text NOT NULL,
                odoo_database text NOT NULL,
                watermark     timestamptz,
                is_syncing    boolean NOT NULL DEFAULT false,
                updated_at    timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (stream, odoo_database)
            );
            ALTER TABLE {Schema}.sync_state ADD COLUMN IF NOT EXISTS odoo_uuid text;
            ALTER TABLE {Schema}.sync_state ADD COLUMN IF NOT EXISTS status text NOT NULL DEFAULT 'idle';
            ALTER TABLE {Schema}.sync_state ADD COLUMN IF NOT EXISTS last_error text;
            ALTER TABLE {Schema}.sync_state ADD COLUMN IF NOT EXISTS last_reconciled_at timestamptz;
            ALTER TABLE {Schema}.sync_state ADD COLUMN IF NOT EXISTS protocol text;
            ALTER TABLE {Schema}.sync_state ADD COLUMN IF NOT EXISTS scan_started_at timestamptz;
            ALTER TABLE {Schema}.sync_state ADD COLUMN IF NOT EXISTS scan_from timestamptz;
            ALTER TABLE {Schema}.sync_state ADD COLUMN IF NOT EXISTS scan_after_id integer;
            ALTER TABLE {Schema}.sync_state ADD COLUMN IF NOT EXISTS last_swept_at timestamptz;
            ALTER TABLE {Schema}.sync_state ADD COLUMN IF NOT EXISTS last_swept_from timestamptz;
            CREATE TABLE IF NOT EXISTS {Schema}.sync_runs (
                id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                stream        text NOT NULL,
                odoo_database text NOT NULL,
                protocol      text,
                started_at    timestamptz NOT NULL DEFAULT now(),
                finished_at   timestamptz,
                status        text NOT NULL DEFAULT 'running',
                counts        jsonb NOT NULL DEFAULT jsonb_build_object(),
                errors        jsonb NOT NULL DEFAULT jsonb_build_array()
            );
            -- Which window a run read in full (full, recent, resumed), and what its overlap sweep compared and re-read (null: none).
            ALTER TABLE {Schema}.sync_runs ADD COLUMN IF NOT EXISTS window_kind text;
            ALTER TABLE {Schema}.sync_runs ADD COLUMN IF NOT EXISTS sweep jsonb;
            CREATE INDEX IF NOT EXISTS sync_runs_recent ON {Schema}.sync_runs (stream, id DESC);
            -- Pruning after each run finds a stream's cut-off here; closing abandoned runs finds its running ones.
            CREATE INDEX IF NOT EXISTS sync_runs_by_database ON {Schema}.sync_runs (stream, odoo_database, id DESC);
            CREATE TABLE IF NOT EXISTS {Schema}.sync_failures (
                stream          text NOT NULL,
                odoo_database   text NOT NULL,
                model           text NOT NULL,
                odoo_id         integer NOT NULL,
                odoo_write_date text,
                error           text NOT NULL,
                attempts        integer NOT NULL DEFAULT 1,
                last_failed_at  timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (stream, odoo_database, model, odoo_id)
            );
            {outbox.CreateSql}
            """, logger, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
