using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using RealtimeSync.FunctionalTests.Infrastructure;
using RealtimeSync.Outbox;

namespace RealtimeSync.FunctionalTests.EndToEnd;

/// <summary>The outbox's tables on the system's PostgreSQL, each test in a schema of its own: migration and retention.</summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class OutboxSchemaTests(RealtimeSystem system) : IAsyncLifetime
{
    private readonly ScratchSchema _scratch = new(system, "mergedb", "outbox_test_");

    [Fact]
    public async Task An_outbox_from_before_the_queue_keeps_what_it_had_not_published_and_nothing_else()
    {
        // The shape every writer's outbox had before decision 0028: published_at marked a row that went out.
        await ExecuteAsync($"""
            CREATE SCHEMA {_scratch.Name};
            CREATE TABLE {_scratch.Name}.outbox (seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, event_id uuid NOT NULL UNIQUE, payload json NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(), published_at timestamptz, attempts integer NOT NULL DEFAULT 0, last_error text,
                trace_parent text, trace_state text, set_aside_at timestamptz);
            CREATE INDEX outbox_unsent ON {_scratch.Name}.outbox (seq) WHERE published_at IS NULL AND set_aside_at IS NULL;
            INSERT INTO {_scratch.Name}.outbox (event_id, payload, published_at, set_aside_at) VALUES
                (gen_random_uuid(), '{"{}"}', now(), NULL), (gen_random_uuid(), '{"{}"}', NULL, NULL),
                (gen_random_uuid(), '{"{}"}', NULL, now()), (gen_random_uuid(), '{"{}"}', NULL, NULL);
            """);

        var table = await MigratedAsync();
        await MigratedAsync(); // and again, as every start does
        Assert.Equal([2L, 4L], await SeqsAsync($"SELECT seq FROM {table.QueueName} ORDER BY seq"));
        Assert.Empty(await SeqsAsync($"SELECT ordinal_position::bigint FROM information_schema.columns WHERE table_schema = '{_scratch.Name}' AND column_name = 'published_at'"));

        // A row inserted from now on is queued by the statement that inserts it.
        await ExecuteAsync($"INSERT INTO {table.Name} (event_id, payload) VALUES (gen_random_uuid(), '{"{}"}')");
        Assert.Equal([2L, 4L, 5L], await SeqsAsync($"SELECT seq FROM {table.QueueName} ORDER BY seq"));
    }

    [Fact]
    public async Task Retention_deletes_old_published_rows_and_keeps_queued_and_set_aside_ones_whatever_their_age()
    {
        var table = await MigratedAsync();
        await ExecuteAsync($"""
            INSERT INTO {table.Name} (event_id, payload, created_at) VALUES
                (gen_random_uuid(), '{"{}"}', now() - interval '2 hours'), (gen_random_uuid(), '{"{}"}', now() - interval '2 hours'),
                (gen_random_uuid(), '{"{}"}', now() - interval '2 hours'), (gen_random_uuid(), '{"{}"}', now() - interval '10 minutes');
            DELETE FROM {table.QueueName} WHERE seq IN (1, 3, 4);        -- 1, 3 and 4 went out; 2 still waits
            UPDATE {table.Name} SET set_aside_at = now() WHERE seq = 3;  -- and 3 is set aside (as if re-sent and failed again)
            INSERT INTO {table.QueueName} (seq) VALUES (99);             -- a queue entry whose row was deleted by hand
            """);

        await new OutboxRetention(_scratch.DataSource, table, new OutboxOptions { Schema = _scratch.Name, Retention = TimeSpan.FromHours(1) }, TimeProvider.System)
            .DeleteExpiredIfDueAsync(CancellationToken.None);

        Assert.Equal([2L, 3L, 4L], await SeqsAsync($"SELECT seq FROM {table.Name} ORDER BY seq"));
        Assert.Equal([2L], await SeqsAsync($"SELECT seq FROM {table.QueueName} ORDER BY seq"));
    }

    [Fact]
    public async Task A_row_re_sent_while_retention_runs_is_kept_and_queued()
    {
        var table = await MigratedAsync();
        await ExecuteAsync($"""
            INSERT INTO {table.Name} (event_id, payload, created_at) VALUES (gen_random_uuid(), '{"{}"}', now() - interval '2 hours');
            DELETE FROM {table.QueueName};
            """);

        // The re-send (as SetAsideRows does it) holds the row while retention's snapshot, taken before it commits, reaches it.
        await using var resend = await _scratch.DataSource.OpenConnectionAsync();
        await using var transaction = await resend.BeginTransactionAsync();
        await using (var requeue = new NpgsqlCommand($"UPDATE {table.Name} SET attempts = 0 WHERE seq = 1; INSERT INTO {table.QueueName} (seq) VALUES (1)", resend, transaction))
        {
            await requeue.ExecuteNonQueryAsync();
        }

        var retention = new OutboxRetention(_scratch.DataSource, table, new OutboxOptions { Schema = _scratch.Name, Retention = TimeSpan.FromHours(1) }, TimeProvider.System)
            .DeleteExpiredIfDueAsync(CancellationToken.None);
        await Wait.UntilAsync(async () => await SeqsAsync(
                $"SELECT pid::bigint FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'DELETE FROM {table.Name}%'") is { Count: > 0 },
            TimeSpan.FromSeconds(10), "retention's delete never waited for the re-sent row");
        await transaction.CommitAsync();
        await retention.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([1L], await SeqsAsync($"SELECT seq FROM {table.Name}"));
        Assert.Equal([1L], await SeqsAsync($"SELECT seq FROM {table.QueueName}"));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _scratch.DisposeAsync();

    private async Task<OutboxTable> MigratedAsync()
    {
        var table = new OutboxTable(new OutboxOptions { Schema = _scratch.Name });
        await SchemaMigration.ApplyAsync(_scratch.DataSource, _scratch.Name, table.CreateSql, NullLogger.Instance, CancellationToken.None);
        return table;
    }

    private Task ExecuteAsync(string sql) => _scratch.ExecuteAsync(sql);

    private async Task<List<long>> SeqsAsync(string sql)
    {
        await using var command = _scratch.DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var seqs = new List<long>();
        while (await reader.ReadAsync())
        {
            seqs.Add(reader.GetInt64(0));
        }

        return seqs;
    }
}
