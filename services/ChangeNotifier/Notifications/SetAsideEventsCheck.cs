using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RealtimeSync.ChangeNotifier.Notifications;

/// <summary>
/// Readiness detail for set-aside events: Degraded, never Unhealthy, since every other event still flows; an operator
/// has to look at them. Reads the gauge's sample, so a probe never waits on Redis.
/// </summary>
public sealed class SetAsideEventsCheck(SetAsideEventsGauge gauge) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(gauge.Last is { } last && (last.Kept > 0 || last.Overflow > 0)
            ? HealthCheckResult.Degraded(
                $"{last.Kept} event(s) set aside in Redis hash {SetAsideEvents.Key}, {last.Overflow} more not kept (over the bound); re-send each through its writer's outbox once the cause is fixed.",
                data: new Dictionary<string, object> { ["setAside"] = last.Kept, ["notKept"] = last.Overflow })
            : HealthCheckResult.Healthy());
}
