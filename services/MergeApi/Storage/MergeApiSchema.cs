using Npgsql;
using RealtimeSync.Outbox;

namespace RealtimeSync.MergeApi.Storage;

/// <summary>Creates and upgrades merge-api's schema at start (idempotent), before the service takes traffic.</summary>
internal sealed class MergeApiSchema(NpgsqlDataSource dataSource, OutboxTable outbox, ILogger<MergeApiSchema> logger) : IHostedService
{
    private const string Schema = MergeApiExtensions.Schema;

    public Task StartAsync(CancellationToken cancellationToken) =>
        SchemaMigration.ApplyAsync(dataSource, Schema, $"""
            CREATE SCHEMA IF NOT EXISTS {Schema};
            CREATE TABLE IF NOT EXISTS {Schema}.records (
                collection text NOT NULL,
                id         text NOT NULL,
                version    bigint NOT NULL,
                data       jsonb NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (collection, id)
            );
            -- A deleted record stays as a tombstone, so ?since= readers learn of the deletion.
            ALTER TABLE {Schema}.records ADD COLUMN IF NOT EXISTS deleted boolean NOT NULL DEFAULT false;
            CREATE INDEX IF NOT EXISTS records_since ON {Schema}.records (collection, version);
            -- Per collection, the last version handed out; updated at the end of each write and held to commit.
            CREATE TABLE IF NOT EXISTS {Schema}.collection_versions (
                collection text PRIMARY KEY,
                version    bigint NOT NULL
            );
            INSERT INTO {Schema}.collection_versions (collection, version)
                SELECT collection, max(version) FROM {Schema}.records GROUP BY collection
                ON CONFLICT (collection) DO NOTHING;
            CREATE TABLE IF NOT EXISTS {Schema}.history (
                collection     text NOT NULL,
                id             text NOT NULL,
                version        bigint NOT NULL,
                operation      text NOT NULL,
                actor          text,
                at             timestamptz NOT NULL DEFAULT now(),
                changed_fields text[] NOT NULL,
                before         jsonb,
                after          jsonb,
                PRIMARY KEY (collection, id, version)
            );
            {outbox.CreateSql}
            """, logger, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
