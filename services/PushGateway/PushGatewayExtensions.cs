using RealtimeSync.PushGateway;
using RealtimeSync.PushGateway.Connections;
using RealtimeSync.PushGateway.Fanout;
using RealtimeSync.PushGateway.WebSockets;

namespace Microsoft.Extensions.Hosting;

public static class PushGatewayExtensions
{
    public static IHostApplicationBuilder AddPushGateway(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient("redis");
        builder.Services.Configure<PushGatewayOptions>(builder.Configuration.GetSection("PushGateway"));
        builder.Services.PostConfigure<PushGatewayOptions>(options =>
            options.InstanceId = string.IsNullOrEmpty(options.InstanceId) ? InstanceIdentity.Resolve(builder.Configuration) : options.InstanceId);
        builder.Services.AddSingleton<SubscriptionRegistry>();
        builder.Services.AddHostedService<RedisFanout>();
        return builder;
    }

    public static WebApplication MapPushGateway(this WebApplication app)
    {
        app.UseWebSockets();
        app.MapWebSocketEndpoint();
        return app;
    }
}
