using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace RealtimeSync.PushGateway.Http;

/// <summary>
/// The port the gateway forwards to (<c>PushGateway:GatewayPort</c>, one of the addresses the service listens on) speaks HTTP/2
/// only, in cleartext with prior knowledge: each WebSocket or event stream the gateway forwards is then one stream of a few shared
/// connections, not a socket and a connection of its own on both sides (decision 0026). The other ports keep HTTP/1.1 for
/// clients and probes that come straight here. A setting that names no port the service listens on is logged as an error at
/// start: the gateway's WebSockets would all fail.
/// </summary>
public sealed partial class GatewayPort(int port, ILogger<GatewayPort> logger) : IHostedLifecycleService
{
    public const string Setting = "PushGateway:GatewayPort";

    /// <summary>
    /// What a client may send on one stream before push-gateway reads it: twice the largest client message. A connection gets
    /// room for every one of its streams (Kestrel's 100) to be full twice over, because Kestrel returns connection credit only
    /// once half of it has been read: so WebSockets whose commands wait (a slow Redis) never hold back the others on their
    /// connection.
    /// </summary>
    private const int StreamWindow = 128 * 1024;

    private volatile bool _bound;

    /// <summary>Sets the port up when <see cref="Setting"/> names one; without it every port keeps Kestrel's defaults.</summary>
    public static void AddTo(IHostApplicationBuilder builder)
    {
        if (builder.Configuration.GetValue<int?>(Setting) is not { } port)
        {
            return;
        }

        builder.Services.AddSingleton(services => new GatewayPort(port, services.GetRequiredService<ILogger<GatewayPort>>()));
        builder.Services.AddHostedService(services => services.GetRequiredService<GatewayPort>());
        builder.Services.AddOptions<KestrelServerOptions>().Configure<GatewayPort>((kestrel, gatewayPort) =>
        {
            kestrel.Limits.Http2.InitialStreamWindowSize = StreamWindow;
            kestrel.Limits.Http2.InitialConnectionWindowSize = 2 * StreamWindow * kestrel.Limits.Http2.MaxStreamsPerConnection;
            // Endpoint defaults reach the addresses from ASPNETCORE_URLS or HTTP_PORTS too, where Aspire and Kubernetes put this one.
            kestrel.ConfigureEndpointDefaults(listen => gatewayPort.Apply(listen));
        });
    }

    private void Apply(ListenOptions listen)
    {
        if (listen.IPEndPoint?.Port == port)
        {
            listen.Protocols = HttpProtocols.Http2;
            _bound = true;
        }
    }

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (!_bound)
        {
            LogNotListening(port);
        }

        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Error, Message = "PushGateway:GatewayPort is {Port}, a port this service does not listen on: the gateway's WebSockets and event streams will fail until it names one")]
    private partial void LogNotListening(int port);
}
