using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using RealtimeSync.Contracts.Push;
using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.Push;

/// <summary>Heartbeats keep an idle connection visibly alive; a client that stops reading is cut off with a clear code, not buffered without bound.</summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class ConnectionHealthTests(RealtimeSystem system)
{
    private const int SendQueueLimit = 1000; // PushGateway:SendQueueLimit, the default

    [Fact]
    public async Task An_idle_websocket_gets_heartbeats_within_the_timeout_its_welcome_announces()
    {
        await using var client = await system.ConnectAsync("idle-" + Guid.NewGuid().ToString("N")[..6], "viewer");
        var interval = TimeSpan.FromSeconds((double)client.Welcome["heartbeat"]!["intervalSeconds"]!);
        var timeout = TimeSpan.FromSeconds((double)client.Welcome["heartbeat"]!["timeoutSeconds"]!);
        Assert.InRange(timeout, interval * 2, TimeSpan.FromSeconds(99)); // room for a late beat, and below YARP's 100 s idle timeout

        var first = await client.NextControlAsync("heartbeat", timeout);
        var second = await client.NextControlAsync("heartbeat", timeout);
        Assert.True((long)second["timestamp"]! > (long)first["timestamp"]!);
        Assert.True(client.IsOpen);
    }

    [Fact]
    public async Task An_sse_stream_gets_heartbeats_that_carry_its_cursor()
    {
        await using var sse = await SseClient.ConnectAsync(system.ClientFor("idle-sse", "viewer"), $"records/{Topics.UniqueCollection()}");
        var (id, beat) = await sse.NextAsync("heartbeat", TimeSpan.FromSeconds(30));
        Assert.Equal("heartbeat", (string?)beat["type"]);
        Assert.False(string.IsNullOrEmpty(id)); // a reconnect after a quiet spell still resumes every topic
    }

    [Fact]
    public async Task A_client_that_stops_reading_is_closed_with_4008_once_its_queue_is_full_and_what_it_got_has_no_gap()
    {
        var user = "slow-" + Guid.NewGuid().ToString("N")[..6];
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new UriBuilder(system.GatewayWebSocket) { Query = "access_token=" + system.Token(user, "viewer") }.Uri, CancellationToken.None);
        var buffer = new byte[256 * 1024];
        var welcome = await ReceiveAsync(socket, buffer);
        var instance = (string)welcome!["instance"]!;
        await socket.SendAsync("{\"type\":\"ping\"}"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None); // a first command: own topics go live

        // Large messages to this user until its instance reports a full send queue, then one batch more.
        // Until then they also fill the TCP buffers between the instance, the gateway and this client.
        var sender = new BlobSender(system, user);
        using var observer = system.ClientFor("observer-" + user, "admin"); // instance detail is for admins
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (await QueuedFramesAsync(observer, instance) < SendQueueLimit)
        {
            Assert.True(DateTime.UtcNow < deadline && sender.Sent < 8000, $"the send queue never filled after {sender.Sent} messages");
            await sender.SendAsync(100);
        }

        await sender.SendAsync(50);

        // Now read: what was already on the wire arrives, in order, then the close that says why.
        var offsets = new List<long>();
        while (await ReceiveAsync(socket, buffer) is { } frame)
        {
            if (PushClient.IsMessage(frame))
            {
                offsets.Add((long)frame["offset"]!);
            }
        }

        Assert.Equal((WebSocketCloseStatus)4008, socket.CloseStatus);
        Assert.Contains("overflow", socket.CloseStatusDescription);
        Assert.NotEmpty(offsets);
        Assert.True(offsets.Count < sender.Sent - SendQueueLimit / 2, $"got {offsets.Count} of {sender.Sent}: the queue was not bounded");
        Assert.Equal(Enumerable.Range(1, offsets.Count).Select(n => offsets[0] + n - 1), offsets);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
    }

    /// <summary>The next frame, or null once the server closed.</summary>
    private static async Task<JsonObject?> ReceiveAsync(ClientWebSocket socket, byte[] buffer)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var (length, closed, tooBig) = await WebSocketFrames.ReceiveAsync(socket, buffer, timeout.Token);
        Assert.False(tooBig);
        return closed ? null : JsonNode.Parse(buffer.AsSpan(0, length))!.AsObject();
    }

    private static async Task<int> QueuedFramesAsync(HttpClient observer, string instance)
    {
        var status = await observer.GetFromJsonAsync<JsonObject>("/api/sync/status");
        return status!["status"]!["instances"]!.AsArray()
            .Where(snapshot => (string?)snapshot!["instance"] == instance)
            .Sum(snapshot => (int)snapshot!["queuedFrames"]!);
    }

    /// <summary>
    /// Admins sending 6 KB messages to one user, a fresh admin every few hundred to stay inside the rate limit. A full queue of
    /// them stays under the send queue's character bound (PushGateway:SendQueueCharLimit), so the frame bound is the one met.
    /// </summary>
    private sealed class BlobSender(RealtimeSystem system, string recipient)
    {
        private const int PerAdmin = 500;
        private readonly string _blob = new('x', 6 * 1024);
        private HttpClient? _admin;
        private int _byThisAdmin;

        public int Sent { get; private set; }

        public async Task SendAsync(int count)
        {
            if (_admin is null || _byThisAdmin + count > PerAdmin)
            {
                _admin?.Dispose();
                _admin = system.ClientFor($"blob-admin-{Guid.NewGuid():N}"[..20], "admin");
                _byThisAdmin = 0;
            }

            var admin = _admin;
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (_, cancellationToken) =>
            {
                var response = await admin.PostAsJsonAsync("/api/sync/send", new { type = "test.blob", to = recipient, payload = new { blob = _blob } }, cancellationToken);
                response.EnsureSuccessStatusCode();
            });
            Sent += count;
            _byThisAdmin += count;
        }
    }
}
