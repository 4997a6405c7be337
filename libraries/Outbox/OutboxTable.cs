using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using RealtimeSync.Contracts;

namespace RealtimeSync.Outbox;

/// <summary>
/// The outbox table: events are inserted in the same transaction as the change they describe,
/// so a commit always carries its event and a rollback never does, and queued by the same statement.
/// </summary>
public sealed class OutboxTable(OutboxOptions options)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Name => $"{Quote(options.Schema)}.outbox";

    /// <summary>
    /// The queue: the seq of every row neither published nor set aside, in a table of its own. Publishing deletes a narrow row
    /// there instead of rewriting the wide one here (decision 0028).
    /// </summary>
    public string QueueName => $"{Quote(options.Schema)}.outbox_queue";

    /// <summary>DDL for the tables; the owning service applies it with its own schema migration.</summary>
    public string CreateSql => $"""
            CREATE SCHEMA IF NOT EXISTS {Quote(options.Schema)};
            CREATE TABLE IF NOT EXISTS {Name} (
                seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                event_id     uuid NOT NULL UNIQUE,
                payload      json NOT NULL,
                created_at   timestamptz NOT NULL DEFAULT now(),
                attempts     integer NOT NULL DEFAULT 0,
                last_error   text
            );
            -- The trace the change was made in (W3C traceparent, tracestate): its publish continues that trace.
            ALTER TABLE {Name} ADD COLUMN IF NOT EXISTS trace_parent text;
            ALTER TABLE {Name} ADD COLUMN IF NOT EXISTS trace_state text;
            -- When the dispatcher gave up on the row (its own failure, MaxAttempts times; last_error says why): kept until re-sent.
            ALTER TABLE {Name} ADD COLUMN IF NOT EXISTS set_aside_at timestamptz;
            DROP INDEX IF EXISTS {Quote(options.Schema)}.outbox_pending;
            CREATE INDEX IF NOT EXISTS outbox_set_aside ON {Name} (seq) WHERE set_aside_at IS NOT NULL;
            -- json, not jsonb: a payload is written once and read back as text once, and jsonb's text output was the
            -- dispatcher's largest cost in PostgreSQL (decision 0015).
            DO $$ BEGIN
              IF (SELECT data_type FROM information_schema.columns
                  WHERE table_schema = {Literal(options.Schema)} AND table_name = 'outbox' AND column_name = 'payload') = 'jsonb' THEN
                ALTER TABLE {Name} ALTER COLUMN payload TYPE json USING payload::json;
              END IF;
            END $$;
            -- Every row inserted is queued by the statement that inserts it, whoever writes it (decision 0028).
            CREATE TABLE IF NOT EXISTS {QueueName} (seq bigint PRIMARY KEY);
            CREATE OR REPLACE FUNCTION {Quote(options.Schema)}.outbox_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
              BEGIN INSERT INTO {QueueName} (seq) SELECT seq FROM added; RETURN NULL; END $$;
            CREATE OR REPLACE TRIGGER outbox_enqueue AFTER INSERT ON {Name} REFERENCING NEW TABLE AS added
              FOR EACH STATEMENT EXECUTE FUNCTION {Quote(options.Schema)}.outbox_enqueue();
            -- Before the queue, published_at said a row had gone out: the rows it left unpublished are queued once, and the
            -- column goes, with its partial index (outbox_unsent).
            DO $$ BEGIN
              IF EXISTS (SELECT FROM information_schema.columns
                  WHERE table_schema = {Literal(options.Schema)} AND table_name = 'outbox' AND column_name = 'published_at') THEN
                INSERT INTO {QueueName} (seq) SELECT seq FROM {Name} WHERE published_at IS NULL AND set_aside_at IS NULL ON CONFLICT DO NOTHING;
                ALTER TABLE {Name} DROP COLUMN published_at;
              END IF;
            END $$;
            """;

    /// <summary>
    /// Adds the events to the caller's transaction in one statement; they are published only if that transaction
    /// commits. The current activity's trace context goes with them, so a change stays one trace from its request
    /// (or its sync run) to its delivery.
    /// </summary>
    public async Task AddManyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyCollection<RecordChanged> changes, CancellationToken cancellationToken)
    {
        if (changes.Count == 0)
        {
            return;
        }

        await using var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { AddManyCommand(changes) } };
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The statement <see cref="AddManyAsync"/> runs, for a caller that sends it with its own statements in one round trip.</summary>
    public NpgsqlBatchCommand AddManyCommand(IReadOnlyCollection<RecordChanged> changes)
    {
        var trace = Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current : null;
        var command = new NpgsqlBatchCommand(
            $"INSERT INTO {Name} (event_id, payload, trace_parent, trace_state) SELECT event_id, payload, $3, $4 FROM unnest($1::uuid[], $2::json[]) AS e(event_id, payload)");
        command.Parameters.Add(new NpgsqlParameter { Value = changes.Select(change => change.EventId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = changes.Select(change => JsonSerializer.Serialize(change, Json)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Json });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)trace?.Id ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)trace?.TraceStateString ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        return command;
    }

    internal static RecordChanged Deserialize(string payload) =>
        JsonSerializer.Deserialize<RecordChanged>(payload, Json) ?? throw new InvalidDataException("empty outbox payload");

    internal string AdvisoryLockKey => $"outbox:{options.Schema}";

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    private static string Literal(string value) => "'" + value.Replace("'", "''") + "'";
}
