using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace RealtimeSync.Gateway.RateLimiting;

/// <summary>Seed 004's limit: 1000 requests per 15 minutes per user on /api/*, configurable (section <c>RateLimit</c>).</summary>
public sealed class RateLimitOptions
{
    public int PermitLimit { get; set; } = 1000;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);

    public string PathPrefix { get; set; } = "/api";
}

/// <summary>
/// A fixed-window counter per user (per client address when anonymous) in Redis, so the limit holds across
/// every gateway instance. Over the limit: 429 problem details with Retry-After. If Redis is away the request
/// passes: an outage of the limiter must not become an outage of the API.
/// </summary>
public sealed partial class RedisRateLimit(RequestDelegate next, IConnectionMultiplexer redis, IOptions<RateLimitOptions> options, ILogger<RedisRateLimit> logger)
{
    private const string CountScript = """
        local count = redis.call('INCR', KEYS[1])
        if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return {count, redis.call('PTTL', KEYS[1])}
        """;

    public async Task InvokeAsync(HttpContext http)
    {
        var settings = options.Value;
        if (!http.Request.Path.StartsWithSegments(settings.PathPrefix))
        {
            await next(http);
            return;
        }

        var caller = http.User.FindFirst("sub")?.Value is { } user ? $"user:{user}" : $"ip:{http.Connection.RemoteIpAddress}";
        var window = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / (long)settings.Window.TotalMilliseconds;
        long count;
        long retryAfterMs;
        try
        {
            var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(
                CountScript, [(RedisKey)$"rs:rate:{caller}:{window}"], [(long)settings.Window.TotalMilliseconds]))!;
            (count, retryAfterMs) = ((long)result[0], (long)result[1]);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogLimiterUnavailable(ex);
            await next(http);
            return;
        }

        http.Response.Headers["RateLimit-Limit"] = settings.PermitLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.Headers["RateLimit-Remaining"] = Math.Max(0, settings.PermitLimit - count).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (count <= settings.PermitLimit)
        {
            await next(http);
            return;
        }

        GatewayTelemetry.RateLimitRefusals.Add(1);
        var retryAfter = Math.Max(1, (int)Math.Ceiling(retryAfterMs / 1000.0));
        http.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Results.Problem(
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many requests",
            detail: $"At most {settings.PermitLimit} requests per {settings.Window.TotalMinutes:0.#} minutes; retry in {retryAfter} s.").ExecuteAsync(http);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rate limiter unavailable (Redis); letting the request through")]
    private partial void LogLimiterUnavailable(Exception exception);
}
