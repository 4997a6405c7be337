using System.Diagnostics.Metrics;
using RealtimeSync.ServiceDefaults.Telemetry;

namespace RealtimeSync.Gateway.RateLimiting;

/// <summary>The gateway's Meter (<c>RealtimeSync.Gateway</c>).</summary>
internal static class GatewayTelemetry
{
    private static readonly Meter Meter = new(RealtimeSyncTelemetry.Gateway);

    public static readonly Counter<long> RateLimitRefusals = Meter.CreateCounter<long>(
        "realtimesync.gateway.rate_limit.refusals", "{request}", "Requests refused with 429 by the per-user rate limit");

    public static readonly Counter<long> RateLimitBypassed = Meter.CreateCounter<long>(
        "realtimesync.gateway.rate_limit.bypassed", "{request}", "Requests let through uncounted because Redis did not answer the rate limiter in time");
}
