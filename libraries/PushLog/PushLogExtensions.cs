using Microsoft.Extensions.DependencyInjection;
using RealtimeSync.PushLog;

namespace Microsoft.Extensions.Hosting;

public static class PushLogExtensions
{
    /// <summary>Registers the topic log (needs an IConnectionMultiplexer); retention from the <c>TopicLog</c> section.</summary>
    public static IHostApplicationBuilder AddTopicLog(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<TopicLogOptions>(builder.Configuration.GetSection("TopicLog"));
        builder.Services.AddSingleton<TopicLog>();
        return builder;
    }
}
