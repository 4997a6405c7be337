namespace RealtimeSync.Gateway.RateLimiting;

/// <summary>Seed 004's limit: 1000 requests per 15 minutes per user on /api/*, configurable (section <c>RateLimit</c>).</summary>
public sealed class RateLimitOptions
{
    public int PermitLimit { get; set; } = 1000;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);

    public string PathPrefix { get; set; } = "/api";

    /// <summary>The longest a request waits for Redis to count it; past it the request goes through uncounted.</summary>
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>After Redis failed or was slow a few times in a row, requests pass uncounted this long before Redis is tried again.</summary>
    public TimeSpan BypassPeriod { get; set; } = TimeSpan.FromSeconds(5);
}
