using RealtimeSync.Gateway;
using RealtimeSync.Gateway.Backoffice;
using RealtimeSync.Gateway.RateLimiting;

namespace Microsoft.Extensions.Hosting;

public static class GatewayExtensions
{
    public static IHostApplicationBuilder AddGateway(this IHostApplicationBuilder builder)
    {
        // The gateway reads the token only to know whom to rate-limit; each service authorizes for itself.
        builder.AddDefaultAuthentication();
        // Redis only backs the rate limiter, which lets requests through while Redis is away: it must not take
        // the gateway out of rotation, so it is no readiness check here.
        builder.AddRedisClient("redis", settings => settings.DisableHealthChecks = true);
        builder.Services.Configure<RateLimitOptions>(builder.Configuration.GetSection("RateLimit"));
        builder.Services.Configure<BackofficeOptions>(builder.Configuration.GetSection("Backoffice"));
        var (routes, clusters) = GatewayRoutes.Build();
        builder.Services.AddReverseProxy().LoadFromMemory(routes, clusters).AddServiceDiscoveryDestinationResolver();
        return builder;
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        app.UseWebSockets();
        app.UseBackofficePage();
        app.UseMiddleware<RedisRateLimit>();
        app.MapDemoSignIn();
        // Each service bounds its own requests; here a timeout would also cut proxied WebSockets and event streams.
        app.MapReverseProxy().DisableRequestTimeout();
        return app;
    }
}
