using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OpenTelemetry;

namespace RealtimeSync.Outbox;

/// <summary>
/// What waits in the outbox, as an operator watches it: <c>realtimesync.outbox.depth</c> (rows not yet published),
/// <c>realtimesync.outbox.oldest_age</c> (how long the first of them, by seq, has waited) and <c>realtimesync.outbox.set_aside</c>
/// (rows the dispatcher gave up on, waiting for an operator). Sampled every few seconds, since neither a metrics
/// callback nor a health check may wait on the database; while PostgreSQL does not answer nothing is reported.
/// </summary>
public sealed class OutboxBacklog : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private readonly NpgsqlDataSource _dataSource;
    private readonly OutboxTable _table;
    private readonly KeyValuePair<string, object?> _schema;
    private Sample? _last;

    public OutboxBacklog(NpgsqlDataSource dataSource, OutboxTable table, OutboxOptions options)
    {
        _dataSource = dataSource;
        _table = table;
        _schema = new("realtimesync.outbox.schema", options.Schema);
        OutboxTelemetry.Meter.CreateObservableGauge("realtimesync.outbox.depth", Depth, "{row}", "Outbox rows committed and not yet published");
        OutboxTelemetry.Meter.CreateObservableGauge("realtimesync.outbox.oldest_age", OldestAge, "s", "How long the oldest unpublished outbox row has waited");
        OutboxTelemetry.Meter.CreateObservableGauge("realtimesync.outbox.set_aside", SetAsideRows, "{row}", "Outbox rows set aside after repeated failures of their own");
    }

    /// <summary>The rows set aside at the last sample; null while PostgreSQL has not answered.</summary>
    public long? SetAside => _last?.SetAside;

    public string Schema => (string)_schema.Value!;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var untraced = SuppressInstrumentationScope.Begin(); // a sample every 5 s is not a trace worth keeping
                // Set-aside rows are unpublished too, but wait for an operator, not for the dispatcher. The oldest is the lowest seq queued:
                // one row read by its key, however long the queue.
                await using var command = _dataSource.CreateCommand($"""
                    SELECT (SELECT count(*) FROM {_table.QueueName}),
                           coalesce(extract(epoch FROM now() - (SELECT created_at FROM {_table.Name} WHERE seq = (SELECT min(seq) FROM {_table.QueueName}))), 0)::float8,
                           (SELECT count(*) FROM {_table.Name} WHERE set_aside_at IS NOT NULL)
                    """);
                await using var reader = await command.ExecuteReaderAsync(stoppingToken);
                await reader.ReadAsync(stoppingToken);
                _last = new Sample(reader.GetInt64(0), reader.GetDouble(1), reader.GetInt64(2), DateTimeOffset.UtcNow);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                _last = null;
            }

            await Task.Delay(Interval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private IEnumerable<Measurement<long>> Depth() =>
        _last is { } sample ? [new Measurement<long>(sample.Depth, _schema)] : [];

    private IEnumerable<Measurement<long>> SetAsideRows() =>
        _last is { } sample ? [new Measurement<long>(sample.SetAside, _schema)] : [];

    /// <summary>The sampled age plus the time since the sample, while rows wait; 0 once none do.</summary>
    private IEnumerable<Measurement<double>> OldestAge() =>
        _last is { } sample
            ? [new Measurement<double>(sample.Depth == 0 ? 0 : sample.OldestAge + (DateTimeOffset.UtcNow - sample.At).TotalSeconds, _schema)]
            : [];

    private sealed record Sample(long Depth, double OldestAge, long SetAside, DateTimeOffset At);
}
