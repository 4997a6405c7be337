using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.EndToEnd;

/// <summary>
/// A Redis allowed to evict keys (a memory limit with any policy but noeviction, as several managed offerings ship) may drop
/// a topic's log or an event id, so every service that keeps the topic log in it says so in its readiness probe, Degraded
/// rather than Unhealthy (it keeps working and stays in rotation), until the policy is noeviction again.
/// </summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class RedisEvictionPolicyTests(RealtimeSystem system)
{
    private const string Check = "redis-eviction-policy";
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);
    private static readonly string[] TopicLogServices = ["change-notifier", "push-gateway-1", "push-gateway-2"];

    [Fact]
    public async Task A_Redis_that_may_evict_the_topic_log_degrades_readiness_until_its_policy_is_noeviction()
    {
        await using var redis = await system.RedisAsync(admin: true);
        var server = redis.GetServers()[0];
        var limit = (await server.ConfigGetAsync("maxmemory")).Single().Value;
        var policy = (await server.ConfigGetAsync("maxmemory-policy")).Single().Value;
        Assert.Equal("noeviction", policy);
        try
        {
            // Far above what the tests use, so nothing is evicted while the services notice.
            await server.ConfigSetAsync("maxmemory", "4gb");
            await server.ConfigSetAsync("maxmemory-policy", "volatile-lru");
            foreach (var service in TopicLogServices)
            {
                await Readiness.UntilAsync(system, service, "Degraded", Check, Patience);
            }

            var report = await Readiness.ReportAsync(system, "change-notifier");
            Assert.Contains("maxmemory-policy volatile-lru", report);
            Assert.Contains("set maxmemory-policy noeviction", report);
        }
        finally
        {
            await server.ConfigSetAsync("maxmemory-policy", policy);
            await server.ConfigSetAsync("maxmemory", limit);
        }

        foreach (var service in TopicLogServices)
        {
            await Wait.UntilAsync(async () => await Readiness.ReportAsync(system, service) is { } report
                    && report.StartsWith("200 ", StringComparison.Ordinal) && !report.Contains(Check, StringComparison.Ordinal),
                Patience, $"{service} still names {Check} once Redis is back to noeviction");
        }
    }
}
