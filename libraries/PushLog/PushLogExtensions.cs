using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RealtimeSync.PushLog;

namespace Microsoft.Extensions.Hosting;

public static class PushLogExtensions
{
    /// <summary>Registers the topic log (needs an IConnectionMultiplexer); retention from the <c>TopicLog</c> section; readiness says when Redis may evict it.</summary>
    public static IHostApplicationBuilder AddTopicLog(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<TopicLogOptions>(builder.Configuration.GetSection("TopicLog"));
        builder.Services.AddSingleton<TopicLog>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<EvictionPolicyCheck>();
        builder.Services.AddHealthChecks().AddCheck<EvictionPolicyCheck>("redis-eviction-policy");
        return builder;
    }
}
