using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using RealtimeSync.Contracts;

namespace RealtimeSync.Outbox;

/// <summary>
/// The outbox table: events are inserted in the same transaction as the change they describe,
/// so a commit always carries its event and a rollback never does.
/// </summary>
public sealed class OutboxTable(OutboxOptions options)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Name => $"{Quote(options.Schema)}.outbox";

    /// <summary>DDL for the table; the owning service applies it with its own schema migration.</summary>
    public string CreateSql => $"""
            CREATE SCHEMA IF NOT EXISTS {Quote(options.Schema)};
            CREATE TABLE IF NOT EXISTS {Name} (
                seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                event_id     uuid NOT NULL UNIQUE,
                payload      json NOT NULL,
                created_at   timestamptz NOT NULL DEFAULT now(),
                published_at timestamptz,
                attempts     integer NOT NULL DEFAULT 0,
                last_error   text
            );
            -- The trace the change was made in (W3C traceparent, tracestate): its publish continues that trace.
            ALTER TABLE {Name} ADD COLUMN IF NOT EXISTS trace_parent text;
            ALTER TABLE {Name} ADD COLUMN IF NOT EXISTS trace_state text;
            -- When the dispatcher gave up on the row (its own failure, MaxAttempts times; last_error says why): kept until re-sent.
            ALTER TABLE {Name} ADD COLUMN IF NOT EXISTS set_aside_at timestamptz;
            -- The dispatcher's index holds pending rows only (neither published nor set aside); outbox_pending held set-aside rows too.
            DROP INDEX IF EXISTS {Quote(options.Schema)}.outbox_pending;
            CREATE INDEX IF NOT EXISTS outbox_unsent ON {Name} (seq) WHERE {Pending};
            CREATE INDEX IF NOT EXISTS outbox_set_aside ON {Name} (seq) WHERE set_aside_at IS NOT NULL;
            -- json, not jsonb: a payload is written once and read back as text once, and jsonb's text output was the
            -- dispatcher's largest cost in PostgreSQL (decision 0015).
            DO $$ BEGIN
              IF (SELECT data_type FROM information_schema.columns
                  WHERE table_schema = '{options.Schema.Replace("'", "''")}' AND table_name = 'outbox' AND column_name = 'payload') = 'jsonb' THEN
                ALTER TABLE {Name} ALTER COLUMN payload TYPE json USING payload::json;
              END IF;
            END $$;
            """;

    /// <summary>The rows the dispatcher still has to publish, in SQL. A set-aside row is never published (re-sending clears it).</summary>
    internal const string Pending = "published_at IS NULL AND set_aside_at IS NULL";

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
}
