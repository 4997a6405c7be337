using RealtimeSync.Gateway;

namespace Microsoft.Extensions.Hosting;

public static class GatewayExtensions
{
    public static IHostApplicationBuilder AddGateway(this IHostApplicationBuilder builder)
    {
        var (routes, clusters) = GatewayRoutes.Build(builder.Configuration);
        builder.Services.AddReverseProxy().LoadFromMemory(routes, clusters);
        return builder;
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        app.UseWebSockets();
        app.MapReverseProxy();
        return app;
    }
}
