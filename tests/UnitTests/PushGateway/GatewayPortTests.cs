using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RealtimeSync.PushGateway.Http;

namespace RealtimeSync.UnitTests.PushGateway;

/// <summary>The port named by PushGateway:GatewayPort speaks HTTP/2 with prior knowledge, the others HTTP/1.1; a wrong setting is said at start.</summary>
public sealed class GatewayPortTests
{
    [Fact]
    public async Task The_gateway_port_speaks_HTTP2_without_TLS_and_the_other_port_HTTP1()
    {
        var (gatewayPort, otherPort) = (FreePort(), FreePort());
        var errors = new ConcurrentQueue<string>();
        await using var app = await StartAsync(gatewayPort, [gatewayPort, otherPort], errors);
        using var http = new HttpClient();

        using var http2 = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{gatewayPort}/")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        });
        using var http1 = await http.GetAsync($"http://127.0.0.1:{otherPort}/");

        Assert.Equal("HTTP/2", await http2.Content.ReadAsStringAsync());
        Assert.Equal("HTTP/1.1", await http1.Content.ReadAsStringAsync());
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_gateway_port_the_service_does_not_listen_on_is_logged_as_an_error_at_start()
    {
        var errors = new ConcurrentQueue<string>();
        await using var app = await StartAsync(FreePort(), [FreePort()], errors);

        Assert.Contains(errors, error => error.Contains("a port this service does not listen on", StringComparison.Ordinal));
    }

    private static async Task<WebApplication> StartAsync(int gatewayPort, int[] ports, ConcurrentQueue<string> errors)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration[GatewayPort.Setting] = $"{gatewayPort}";
        builder.WebHost.UseUrls([.. ports.Select(port => $"http://127.0.0.1:{port}")]);
        builder.Logging.ClearProviders().AddProvider(new ErrorLog(errors));
        GatewayPort.AddTo(builder);
        var app = builder.Build();
        app.MapGet("/", (HttpContext context) => context.Request.Protocol);
        await app.StartAsync();
        return app;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Keeps the messages logged at Error.</summary>
    private sealed class ErrorLog(ConcurrentQueue<string> errors) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                errors.Enqueue(formatter(state, exception));
            }
        }

        public void Dispose()
        {
        }
    }
}
