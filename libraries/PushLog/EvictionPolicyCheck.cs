using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace RealtimeSync.PushLog;

/// <summary>
/// Readiness detail: Degraded when Redis may evict keys (a <c>maxmemory</c> with any policy but <c>noeviction</c>, the
/// default of several managed Redis offerings). Every key of the topic log expires on its own schedule, so a volatile
/// policy may drop any of them: an evicted log makes its readers resync, an evicted event id lets a redelivered change
/// through twice. Under <c>noeviction</c> a full Redis refuses appends instead, and changes wait in the broker until there
/// is room. Degraded, not Unhealthy: the service works and must stay in rotation; an operator has to change the setting.
/// Redis is asked at most once per <see cref="RecheckInterval"/> (a probe reuses the last answer); when it does not
/// answer, Redis's own check reports it and this one keeps its last answer.
/// </summary>
public sealed partial class EvictionPolicyCheck(IConnectionMultiplexer redis, TimeProvider time, ILogger<EvictionPolicyCheck> logger) : IHealthCheck
{
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(2);
    private readonly SemaphoreSlim _asking = new(1, 1);
    // One reference, so a probe reading it while another writes never sees half of an answer.
    private volatile Answer _answer = new(HealthCheckResult.Healthy(), DateTimeOffset.MinValue);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var last = _answer;
        if (time.GetUtcNow() < last.Due || !await _asking.WaitAsync(0, cancellationToken))
        {
            return last.Result; // fresh enough, or another probe is asking right now
        }

        try
        {
            var info = (string?)await redis.GetDatabase().ExecuteAsync("INFO", "memory").WaitAsync(AnswerTimeout, cancellationToken);
            var result = Judge(info ?? string.Empty);
            if (result.Status != HealthStatus.Healthy && last.Result.Status == HealthStatus.Healthy)
            {
                LogEvicting(result.Description!);
            }

            _answer = new Answer(result, time.GetUtcNow() + RecheckInterval);
        }
        catch (Exception ex) when (ex is RedisException or RedisCommandException or TimeoutException)
        {
            // Unreachable (Redis's own check says so), or INFO not allowed here (a command map or proxy): keep the last answer.
            _answer = last with { Due = time.GetUtcNow() + RecheckInterval };
        }
        finally
        {
            _asking.Release();
        }

        return _answer.Result;
    }

    /// <summary>What the <c>INFO memory</c> answer <paramref name="info"/> means for the topic log.</summary>
    public static HealthCheckResult Judge(string info)
    {
        var fields = info.Split('\n').Select(line => line.TrimEnd('\r').Split(':', 2)).Where(pair => pair.Length == 2).ToDictionary(pair => pair[0], pair => pair[1]);
        var limit = fields.TryGetValue("maxmemory", out var text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) ? bytes : 0;
        var policy = fields.GetValueOrDefault("maxmemory_policy", "noeviction");
        if (limit == 0 || policy == "noeviction")
        {
            return HealthCheckResult.Healthy();
        }

        return HealthCheckResult.Degraded(
            $"Redis may evict the topic log's keys: maxmemory is {limit} bytes with maxmemory-policy {policy}. An evicted log makes its clients "
            + "resync and an evicted event id lets a redelivered change through twice; set maxmemory-policy noeviction (a full Redis then "
            + "refuses appends and changes wait in the broker).",
            data: new Dictionary<string, object> { ["maxmemory"] = limit, ["maxmemoryPolicy"] = policy });
    }

    private sealed record Answer(HealthCheckResult Result, DateTimeOffset Due);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Problem}")]
    private partial void LogEvicting(string problem);
}
