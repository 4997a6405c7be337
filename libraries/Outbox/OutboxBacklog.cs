using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OpenTelemetry;

namespace RealtimeSync.Outbox;

/// <summary>
/// What waits in the outbox, as an operator watches it: <c>realtimesync.outbox.depth</c> (rows not yet published)
/// and <c>realtimesync.outbox.oldest_age</c> (how long the oldest has waited). Sampled every few seconds, since a
/// metrics callback must not query the database; while PostgreSQL does not answer nothing is reported.
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
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var untraced = SuppressInstrumentationScope.Begin(); // a sample every 5 s is not a trace worth keeping
                await using var command = _dataSource.CreateCommand(
                    $"SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 FROM {_table.Name} WHERE published_at IS NULL");
                await using var reader = await command.ExecuteReaderAsync(stoppingToken);
                await reader.ReadAsync(stoppingToken);
                _last = new Sample(reader.GetInt64(0), reader.GetDouble(1), DateTimeOffset.UtcNow);
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

    /// <summary>The sampled age plus the time since the sample, while rows wait; 0 once none do.</summary>
    private IEnumerable<Measurement<double>> OldestAge() =>
        _last is { } sample
            ? [new Measurement<double>(sample.Depth == 0 ? 0 : sample.OldestAge + (DateTimeOffset.UtcNow - sample.At).TotalSeconds, _schema)]
            : [];

    private sealed record Sample(long Depth, double OldestAge, DateTimeOffset At);
}
