using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace RealtimeSync.PushGateway.Http;

/// <summary>
/// The port the gateway forwards to (<c>PushGateway:GatewayPort</c>, one of the addresses the service listens on) speaks HTTP/2
/// only, in cleartext with prior knowledge: each WebSocket or event stream the gateway forwards is then one stream of a few shared
/// connections, not a socket and a connection of its own on both sides (decision 0026). The other ports keep HTTP/1.1 for
/// clients and probes that come straight here.
/// </summary>
public static class GatewayPort
{
    public const string Setting = "PushGateway:GatewayPort";

    public static IHostApplicationBuilder AddGatewayPort(this IHostApplicationBuilder builder)
    {
        if (builder.Configuration.GetValue<int?>(Setting) is not { } port)
        {
            return builder;
        }

        // Endpoint defaults reach the addresses from ASPNETCORE_URLS or HTTP_PORTS too, where Aspire and Kubernetes put this one.
        builder.Services.Configure<KestrelServerOptions>(kestrel => kestrel.ConfigureEndpointDefaults(listen =>
        {
            if (listen.IPEndPoint?.Port == port)
            {
                listen.Protocols = HttpProtocols.Http2;
            }
        }));
        return builder;
    }
}
