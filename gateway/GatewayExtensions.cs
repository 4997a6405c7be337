using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using RealtimeSync.Gateway;
using RealtimeSync.Gateway.Backoffice;
using RealtimeSync.Gateway.Forwarding;
using RealtimeSync.Gateway.RateLimiting;
using Scalar.AspNetCore;

namespace Microsoft.Extensions.Hosting;

public static class GatewayExtensions
{
    public static IHostApplicationBuilder AddGateway(this IHostApplicationBuilder builder)
    {
        // The gateway reads the token only to know whom to rate-limit; each service authorizes for itself.
        builder.AddDefaultAuthentication();
        builder.Services.AddSingleton<IPostConfigureOptions<JwtBearerOptions>, RateLimitedTokens>();
        // Redis only backs the rate limiter, which lets requests through while Redis is away: it must not take
        // the gateway out of rotation, so it is no readiness check here.
        builder.AddRedisClient("redis", settings => settings.DisableHealthChecks = true);
        builder.Services.Configure<RateLimitOptions>(builder.Configuration.GetSection("RateLimit"));
        builder.Services.Configure<BackofficeOptions>(builder.Configuration.GetSection("Backoffice"));
        var (routes, clusters) = GatewayRoutes.Build(builder.Configuration.GetSection("Gateway:Http2Services").Get<string[]>());
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
        app.MapReverseProxy(proxy => proxy.Use(ForwardingFailures.LogAsync)).DisableRequestTimeout();
        return app;
    }

    /// <summary>
    /// <c>/api-reference</c>: Scalar's interactive reference over the services' documents, which the gateway proxies at
    /// <c>/openapi/{name}.json</c> (<see cref="GatewayRoutes.Documents"/>). Anonymous and outside the rate limit (it is not under
    /// <c>/api/</c>): it describes, it holds no data; its requests go to the gateway with the token typed into it.
    /// </summary>
    public static WebApplication MapApiReference(this WebApplication app)
    {
        app.MapScalarApiReference("/api-reference", options =>
        {
            options.WithTitle("RealtimeSync API reference").AddPreferredSecuritySchemes(["bearer"]);
            foreach (var (name, title) in GatewayRoutes.Documents)
            {
                options.AddDocument(name, title, $"/openapi/{name}.json", isDefault: name == GatewayRoutes.Documents[0].Name);
            }
        }).AllowAnonymous();
        return app;
    }
}
