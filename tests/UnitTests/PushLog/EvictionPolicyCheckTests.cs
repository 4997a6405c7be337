using Microsoft.Extensions.Diagnostics.HealthChecks;
using RealtimeSync.PushLog;

namespace RealtimeSync.UnitTests.PushLog;

public sealed class EvictionPolicyCheckTests
{
    private static string Info(long maxmemory, string policy) =>
        $"# Memory\r\nused_memory:1000448\r\nmaxmemory:{maxmemory}\r\nmaxmemory_human:0B\r\nmaxmemory_policy:{policy}\r\nmem_fragmentation_ratio:9.02\r\n";

    [Theory]
    [InlineData(0, "noeviction")]
    [InlineData(0, "allkeys-lru")] // no limit: Redis never evicts, whatever the policy says
    [InlineData(1073741824, "noeviction")]
    public void Redis_that_never_evicts_is_healthy(long maxmemory, string policy) =>
        Assert.Equal(HealthStatus.Healthy, EvictionPolicyCheck.Judge(Info(maxmemory, policy)).Status);

    [Theory]
    [InlineData("allkeys-lru")]
    [InlineData("volatile-lru")]
    [InlineData("volatile-ttl")]
    public void A_memory_limit_with_an_evicting_policy_degrades_readiness_and_says_what_to_set(string policy)
    {
        var result = EvictionPolicyCheck.Judge(Info(104857600, policy));

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains($"maxmemory-policy {policy}", result.Description);
        Assert.Contains("set maxmemory-policy noeviction", result.Description);
        Assert.Equal(104857600L, result.Data["maxmemory"]);
    }

    [Fact]
    public void An_answer_without_the_memory_fields_is_read_as_no_limit() =>
        Assert.Equal(HealthStatus.Healthy, EvictionPolicyCheck.Judge("# Memory\r\n").Status);
}
