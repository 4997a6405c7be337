using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RealtimeSync.Outbox;

/// <summary>
/// Readiness detail for set-aside rows: Degraded, never Unhealthy, because the service still takes writes and
/// publishes every other row, so it must stay in rotation; an operator has to look at the rows. Reads the backlog's
/// sample, so a probe never waits on PostgreSQL (its own check reports the database).
/// </summary>
public sealed class SetAsideRowsCheck(OutboxBacklog backlog) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(backlog.SetAside is long count and > 0
            ? HealthCheckResult.Degraded(
                $"{count} outbox row(s) of schema {backlog.Schema} set aside after repeated failures; list them at …/outbox/set-aside (admin) and re-send once the cause is fixed.",
                data: new Dictionary<string, object> { ["setAside"] = count, ["schema"] = backlog.Schema })
            : HealthCheckResult.Healthy());
}
