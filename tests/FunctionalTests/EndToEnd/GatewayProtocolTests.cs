using System.Net;
using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.EndToEnd;

/// <summary>
/// The gateway forwards WebSockets and event streams to push-gateway over HTTP/2 (its http2 port), so they share a few upstream
/// connections; the clients keep speaking HTTP/1.1 to the gateway (decision 0026). Told apart by each side's server span of the
/// same request, which are in one trace.
/// </summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class GatewayProtocolTests(RealtimeSystem system)
{
    private const string ProtocolVersion = "network.protocol.version";

    [Theory]
    [InlineData("/ws")]
    [InlineData("/api/sync/stream")]
    public async Task A_long_lived_request_reaches_push_gateway_over_HTTP2_while_its_client_speaks_HTTP1(string path)
    {
        var topic = $"records/{Topics.UniqueCollection()}";
        var before = Forwarded(path).Count;
        if (path == "/ws")
        {
            await using var client = await system.ConnectAsync("protocol-ws", "viewer");
            await client.SubscribeAsync(topic);
        }
        else
        {
            using var http = system.ClientFor("protocol-sse", "viewer");
            using var stream = await http.GetAsync($"{path}?topics={Uri.EscapeDataString(topic)}", HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        }

        // A request's spans are exported when it ends, which the connection's close above brings about.
        await Wait.UntilAsync(() => Forwarded(path).Count > before, TimeSpan.FromSeconds(60), $"the gateway's and push-gateway's spans of {path}");
        Assert.All(Forwarded(path), pair =>
        {
            Assert.Equal("1.1", pair.Gateway.Attributes.GetValueOrDefault(ProtocolVersion));
            Assert.Equal("2", pair.PushGateway.Attributes.GetValueOrDefault(ProtocolVersion));
        });
    }

    /// <summary>Each request to <paramref name="path"/> through the gateway: the gateway's server span and push-gateway's, in one trace.</summary>
    private List<(CollectedSpan Gateway, CollectedSpan PushGateway)> Forwarded(string path)
    {
        var spans = system.Telemetry.Spans.Where(span => span.Kind == System.Diagnostics.ActivityKind.Server && span.Attributes.GetValueOrDefault("url.path") == path).ToList();
        return [.. from gateway in spans.Where(span => span.Service == "gateway")
                   join pushGateway in spans.Where(span => span.Service == "push-gateway") on gateway.TraceId equals pushGateway.TraceId
                   select (gateway, pushGateway)];
    }
}
