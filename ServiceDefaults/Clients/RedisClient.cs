using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RealtimeSync.ServiceDefaults.Clients;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>The shape of Aspire.StackExchange.Redis's <c>AddRedisClient</c> (absent here): one shared multiplexer and a readiness check.</summary>
public static class RedisClientExtensions
{
    public static IHostApplicationBuilder AddRedisClient(this IHostApplicationBuilder builder, string connectionName)
    {
        var options = ConfigurationOptions.Parse(ConnectionStrings.Required(builder.Configuration, connectionName));
        // Start even while Redis is away; the multiplexer reconnects by itself and /health reports it meanwhile.
        options.AbortOnConnectFail = false;
        options.ClientName = builder.Environment.ApplicationName;
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            $"redis-{connectionName}",
            sp => new RedisHealthCheck(sp.GetRequiredService<IConnectionMultiplexer>()),
            HealthStatus.Unhealthy,
            ["ready"],
            TimeSpan.FromSeconds(5)));
        return builder;
    }

    private sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await redis.GetDatabase().PingAsync();
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy("Redis does not answer", ex);
            }
        }
    }
}
