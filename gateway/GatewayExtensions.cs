using RealtimeSync.Gateway;
using RealtimeSync.Gateway.RateLimiting;

namespace Microsoft.Extensions.Hosting;

public static class GatewayExtensions
{
    public static IHostApplicationBuilder AddGateway(this IHostApplicationBuilder builder)
    {
        // The gateway reads the token only to know whom to rate-limit; each service authorizes for itself.
        builder.AddDefaultAuthentication();
        builder.AddRedisClient("redis");
        builder.Services.Configure<RateLimitOptions>(builder.Configuration.GetSection("RateLimit"));
        var (routes, clusters) = GatewayRoutes.Build();
        builder.Services.AddReverseProxy().LoadFromMemory(routes, clusters).AddServiceDiscoveryDestinationResolver();
        return builder;
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        app.UseWebSockets();
        app.UseMiddleware<RedisRateLimit>();
        app.MapReverseProxy();
        return app;
    }
}
