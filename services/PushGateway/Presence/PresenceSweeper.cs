using Microsoft.Extensions.Options;

namespace RealtimeSync.PushGateway.Presence;

/// <summary>
/// Removes members whose lease lapsed (their instance died, or lost Redis for a whole lease) every
/// <see cref="PresenceOptions.SweepInterval"/>, on every instance: each removal is one script, so exactly one instance
/// publishes each leave. Leases, not keyspace notifications, because those are fire-and-forget and off by default (decision 0018).
/// </summary>
public sealed partial class PresenceSweeper(PresenceStore store, IOptions<PresenceOptions> options, ILogger<PresenceSweeper> logger) : BackgroundService
{
    private const int Batch = 100;
    private const int MaxBatchesPerSweep = 10;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PresenceTicks.RunAsync(options.Value.SweepInterval, SweepAsync, LogUnanswered, stoppingToken);

    private async Task SweepAsync()
    {
        for (var batch = 0; batch < MaxBatchesPerSweep && await store.SweepAsync(Batch) == Batch; batch++)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Presence sweep got no answer (Redis); retried next time")]
    private partial void LogUnanswered(Exception exception);
}
