using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.EndToEnd;

/// <summary>
/// The gateway forwards WebSockets and event streams to push-gateway over HTTP/2 (its http2 port), so they share a few upstream
/// connections; the clients keep speaking HTTP/1.1 to the gateway (decision 0026). Told apart by each side's server span of the
/// request, found by the trace the client started it in.
/// </summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class GatewayProtocolTests(RealtimeSystem system)
{
    [Theory]
    [InlineData("/ws")]
    [InlineData("/api/sync/stream")]
    public async Task A_long_lived_request_reaches_push_gateway_over_HTTP2_while_its_client_speaks_HTTP1(string path)
    {
        var trace = ActivityTraceId.CreateRandom().ToHexString();
        var traceParent = $"00-{trace}-{ActivitySpanId.CreateRandom().ToHexString()}-01";
        var topics = Uri.EscapeDataString($"records/{Topics.UniqueCollection()}");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        if (path == "/ws")
        {
            using var socket = new ClientWebSocket();
            socket.Options.SetRequestHeader("traceparent", traceParent);
            await socket.ConnectAsync(new Uri($"{system.GatewayWebSocket}?access_token={system.Token("protocol-ws", "viewer")}"), timeout.Token);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
        }
        else
        {
            using var http = system.ClientFor("protocol-sse", "viewer");
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{path}?topics={topics}");
            request.Headers.Add("traceparent", traceParent);
            using var stream = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        }

        // A request's spans are exported when it ends, which the close above brings about.
        Dictionary<string, CollectedSpan> spans = [];
        await Wait.UntilAsync(() =>
        {
            spans = system.Telemetry.Spans
                .Where(span => span.TraceId == trace && span.Kind == ActivityKind.Server && span.Attributes.GetValueOrDefault("url.path") == path)
                .GroupBy(span => span.Service).ToDictionary(group => group.Key, group => group.First());
            return spans.ContainsKey("gateway") && spans.ContainsKey("push-gateway");
        }, TimeSpan.FromSeconds(60), () => $"the gateway's and push-gateway's server spans of {path}; found {string.Join(", ", spans.Keys)}");

        Assert.Equal("1.1", spans["gateway"].Attributes.GetValueOrDefault("network.protocol.version"));
        Assert.Equal("2", spans["push-gateway"].Attributes.GetValueOrDefault("network.protocol.version"));
    }
}
