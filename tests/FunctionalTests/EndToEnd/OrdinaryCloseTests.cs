using System.Net.Sockets;
using System.Text;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.EndToEnd;

/// <summary>
/// A client that drops its WebSocket without a close handshake (a killed tab, a phone off the network) is ordinary:
/// the gateway notes it at Debug (which the Testing environment shows) and warns about nothing.
/// </summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class OrdinaryCloseTests(RealtimeSystem system)
{
    private const string ClientLeft = "The client left /ws";

    [Fact]
    public async Task A_client_resetting_its_socket_is_not_a_warning()
    {
        var logs = new GatewayLog(system.App);
        var before = await logs.CountAsync(ClientLeft);

        using (var socket = await UpgradedSocketAsync())
        {
            socket.LingerState = new LingerOption(true, 0); // close with a reset, as a killed client's system does
        }

        await Wait.UntilAsync(async () => await logs.CountAsync(ClientLeft) > before, TimeSpan.FromSeconds(30), "the gateway did not note the client leaving");
        var lines = await logs.LinesAsync();
        Assert.DoesNotContain(lines, line => line.Contains("warn: Yarp", StringComparison.Ordinal) || line.Contains("warn: RealtimeSync.Gateway.Forwarding", StringComparison.Ordinal));
    }

    /// <summary>A raw socket through the gateway's WebSocket upgrade, left with unread frames (the welcome) as a real client would be.</summary>
    private async Task<Socket> UpgradedSocketAsync()
    {
        var gateway = system.GatewayWebSocket;
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await socket.ConnectAsync(gateway.Host, gateway.Port, timeout.Token);
        var key = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
        await socket.SendAsync(Encoding.ASCII.GetBytes(
            $"GET /ws?access_token={system.Token("viewer-reset", "viewer")} HTTP/1.1\r\nHost: {gateway.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"), timeout.Token);
        var buffer = new byte[4096];
        var answer = new StringBuilder();
        while (!answer.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await socket.ReceiveAsync(buffer, timeout.Token);
            Assert.True(read > 0, "the gateway closed the connection before answering the upgrade");
            answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        Assert.StartsWith("HTTP/1.1 101", answer.ToString(), StringComparison.Ordinal);
        return socket;
    }

    /// <summary>The gateway's console output so far, as the AppHost collects it.</summary>
    private sealed class GatewayLog(DistributedApplication app)
    {
        public async Task<int> CountAsync(string text) => (await LinesAsync()).Count(line => line.Contains(text, StringComparison.Ordinal));

        public async Task<List<string>> LinesAsync()
        {
            var lines = new List<string>();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await foreach (var batch in app.Services.GetRequiredService<ResourceLoggerService>().GetAllAsync(app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(resource => resource.Name == "gateway")).WithCancellation(timeout.Token))
            {
                lines.AddRange(batch.Select(line => line.Content));
            }

            return lines;
        }
    }
}
