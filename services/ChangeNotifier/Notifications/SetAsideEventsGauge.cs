using System.Diagnostics.Metrics;
using OpenTelemetry;
using StackExchange.Redis;

namespace RealtimeSync.ChangeNotifier.Notifications;

/// <summary>
/// <c>realtimesync.notifier.set_aside</c>: the events kept set aside, sampled every few seconds from Redis (the set is
/// shared by every replica), since neither a metrics callback nor a health check may wait on Redis. Null while Redis
/// does not answer; its own check reports that.
/// </summary>
public sealed class SetAsideEventsGauge : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private readonly SetAsideEvents _events;

    public SetAsideEventsGauge(SetAsideEvents events)
    {
        _events = events;
        NotifierTelemetry.Meter.CreateObservableGauge(
            "realtimesync.notifier.set_aside", () => Last is { } last ? [new Measurement<long>(last.Kept)] : Array.Empty<Measurement<long>>(),
            "{event}", "Events change-notifier could not apply, set aside in Redis");
    }

    public (long Kept, long Overflow)? Last { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var untraced = SuppressInstrumentationScope.Begin(); // a sample every 5 s is not a trace worth keeping
                Last = await _events.CountAsync();
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                Last = null;
            }

            await Task.Delay(Interval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
