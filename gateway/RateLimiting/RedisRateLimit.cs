using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace RealtimeSync.Gateway.RateLimiting;

/// <summary>
/// A fixed-window counter per user (per client address when anonymous) in Redis, so the limit holds across
/// every gateway instance. Over the limit: 429 problem details with Retry-After. If Redis is away or frozen the
/// request passes, counted in <c>realtimesync.gateway.rate_limit.bypassed</c>: an outage of the limiter must not
/// become an outage of the API. Redis gets <see cref="RateLimitOptions.RedisTimeout"/> to answer; after a few
/// failures in a row it is left alone for <see cref="RateLimitOptions.BypassPeriod"/>, so a frozen Redis costs a
/// short wait now and then, not one per request, while one slow answer under load lets only its own request pass.
/// </summary>
public sealed partial class RedisRateLimit(RequestDelegate next, IConnectionMultiplexer redis, IOptions<RateLimitOptions> options, ILogger<RedisRateLimit> logger)
{
    private const string CountScript = """
        local count = redis.call('INCR', KEYS[1])
        if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return {count, redis.call('PTTL', KEYS[1])}
        """;

    private const int FailuresBeforeBypass = 3;

    private long _bypassUntil; // Environment.TickCount64 before which Redis is not asked
    private int _failuresInARow;

    public async Task InvokeAsync(HttpContext http)
    {
        var settings = options.Value;
        if (!http.Request.Path.StartsWithSegments(settings.PathPrefix))
        {
            await next(http);
            return;
        }

        if (Environment.TickCount64 < Interlocked.Read(ref _bypassUntil))
        {
            GatewayTelemetry.RateLimitBypassed.Add(1);
            await next(http);
            return;
        }

        var caller = http.User.FindFirst("sub")?.Value is { } user ? $"user:{user}" : $"ip:{http.Connection.RemoteIpAddress}";
        var window = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / (long)settings.Window.TotalMilliseconds;
        long count;
        long retryAfterMs;
        try
        {
            // StackExchange.Redis takes no cancellation: the wait is bounded here, the command left to time out on its own.
            var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(
                CountScript, [(RedisKey)$"rs:rate:{caller}:{window}"], [(long)settings.Window.TotalMilliseconds]).WaitAsync(settings.RedisTimeout))!;
            (count, retryAfterMs) = ((long)result[0], (long)result[1]);
            Volatile.Write(ref _failuresInARow, 0);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            GatewayTelemetry.RateLimitBypassed.Add(1);
            if (Interlocked.Increment(ref _failuresInARow) >= FailuresBeforeBypass)
            {
                Interlocked.Exchange(ref _bypassUntil, Environment.TickCount64 + (long)settings.BypassPeriod.TotalMilliseconds);
                Volatile.Write(ref _failuresInARow, 0);
                LogLimiterUnavailable(ex, settings.BypassPeriod);
            }

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rate limiter unavailable (Redis did not answer); requests pass uncounted for {Period}")]
    private partial void LogLimiterUnavailable(Exception exception, TimeSpan period);
}
