using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using RealtimeSync.FunctionalTests.Infrastructure;
using RealtimeSync.PushGateway;
using RealtimeSync.PushGateway.Access;

namespace RealtimeSync.FunctionalTests.Push;

/// <summary>One user holds at most the cap of push connections (WebSocket and event streams together) over every replica.</summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class ConnectionCapTests(RealtimeSystem system)
{
    private static readonly int Cap = new PushGatewayOptions().MaxConnectionsPerUser;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task At_the_cap_the_next_websocket_is_closed_with_4029_before_welcome_the_next_event_stream_gets_429_and_other_users_are_unaffected()
    {
        var user = "capped-" + Guid.NewGuid().ToString("N")[..8];
        await Wait.UntilAsync(BothReplicasTakeConnectionsAsync, TimeSpan.FromMinutes(2), "a push-gateway replica did not take connections within 2 minutes");
        await using var held = await HoldCapAsync(user);
        Assert.Equal(2, held.Instances.Count); // the count is shared: the connections are spread over both replicas

        var (socket, first) = await OpenWebSocketAsync(user);
        using var _ = socket;
        using var http = system.ClientFor(user, "viewer");
        using var stream = await OpenStreamAsync(http);
        await using var other = await system.ConnectAsync("uncapped-" + Guid.NewGuid().ToString("N")[..8], "viewer");

        Assert.Equal(WebSocketMessageType.Close, first.MessageType); // the refusal is the first frame: no welcome
        Assert.Equal(4029, (int?)first.CloseStatus);
        Assert.StartsWith("too_many_connections", first.CloseStatusDescription);
        Assert.Equal(HttpStatusCode.TooManyRequests, stream.StatusCode);
        Assert.Equal("application/problem+json", stream.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"At most {Cap}", (string?)(await stream.Content.ReadFromJsonAsync<JsonObject>())!["detail"]);
        Assert.True(other.IsOpen);
    }

    [Fact]
    public async Task Closing_a_connection_of_either_transport_gives_its_slot_back()
    {
        var user = "capped-" + Guid.NewGuid().ToString("N")[..8];
        await using var held = await HoldCapAsync(user);

        await held.Stream.DisposeAsync();
        using var webSocketInItsPlace = await AdmittedWebSocketAsync(user);
        await held.WebSockets[0].DisposeAsync();
        using var http = system.ClientFor(user, "viewer");
        using var streamInItsPlace = await AdmittedStreamAsync(http);
        var (socket, first) = await OpenWebSocketAsync(user);
        using var _ = socket;

        Assert.Equal(HttpStatusCode.OK, streamInItsPlace.StatusCode);
        Assert.Equal(4029, (int?)first.CloseStatus); // the connections that took the freed slots count in turn
    }

    [Fact]
    public async Task A_live_connection_keeps_counting_past_its_first_lease_because_its_instance_renews_it()
    {
        var user = "renewing-" + Guid.NewGuid().ToString("N")[..8];
        await using var held = await HoldCapAsync(user);
        using var redis = await system.RedisAsync();
        var database = redis.GetDatabase();
        var log = RealtimeSystem.TopicLog(redis);
        // The set's layout (rs:conn:{user}, score the lapse time) is RedisConnectionCounts' documented one.
        var firstLapse = (await database.SortedSetRangeByRankWithScoresAsync($"rs:conn:{user}")).Max(entry => entry.Score);

        await Wait.UntilAsync(async () => await log.NowAsync() > firstLapse + 1000, Timeout, "Redis's clock did not pass the first leases' lapse");
        var (socket, first) = await OpenWebSocketAsync(user);
        using var _ = socket;

        Assert.Equal(4029, (int?)first.CloseStatus); // every held connection still counts
        var leases = await database.SortedSetRangeByRankWithScoresAsync($"rs:conn:{user}");
        Assert.Equal(Cap, leases.Length);
        Assert.All(leases, lease => Assert.True(lease.Score > firstLapse, "a lease was not renewed"));
    }

    [Fact]
    public async Task One_renewal_extends_the_lease_of_every_connection_it_names_on_redis_clock_and_counts_a_lapsed_one_again()
    {
        using var redis = await system.RedisAsync();
        var counts = new RedisConnectionCounts(redis);
        var (ada, grace) = ("renewed-" + Guid.NewGuid().ToString("N")[..8], "renewed-" + Guid.NewGuid().ToString("N")[..8]);
        Assert.True(await counts.TryAddAsync(ada, "a1", cap: 1, TimeSpan.FromSeconds(5)));

        // grace's connection holds no lease (it lapsed while Redis was away, say): the renewal counts it again.
        await counts.RenewAsync([new HeldConnection(ada, "a1"), new HeldConnection(grace, "g1")], TimeSpan.FromMinutes(10));

        var now = await RealtimeSystem.TopicLog(redis).NowAsync();
        var database = redis.GetDatabase();
        foreach (var (user, connection) in new[] { (ada, "a1"), (grace, "g1") })
        {
            // The set's layout (rs:conn:{user}, score the lapse time) is RedisConnectionCounts' documented one.
            var lapses = await database.SortedSetScoreAsync($"rs:conn:{user}", connection);
            Assert.NotNull(lapses);
            Assert.InRange(lapses.Value - now, TimeSpan.FromMinutes(9).TotalMilliseconds, TimeSpan.FromMinutes(10).TotalMilliseconds);
            Assert.InRange((await database.KeyTimeToLiveAsync($"rs:conn:{user}"))!.Value, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));
        }

        Assert.False(await counts.TryAddAsync(ada, "a2", cap: 1, TimeSpan.FromSeconds(5))); // ada's one still counts
        await counts.RemoveAsync(ada, "a1");
        await counts.RemoveAsync(grace, "g1");
    }

    /// <summary>The cap's worth of connections for <paramref name="user"/>: all WebSockets but one event stream.</summary>
    private async Task<Held> HoldCapAsync(string user)
    {
        var webSockets = new List<PushClient>();
        for (var n = 0; n < Cap - 1; n++)
        {
            webSockets.Add(await system.ConnectAsync(user, "viewer"));
        }

        return new Held(webSockets, await SseClient.ConnectAsync(system.ClientFor(user, "viewer"), "broadcast"));
    }

    /// <summary>Whether both replicas take connections now: one an earlier test killed (FailoverTests) is restarted with backoff.</summary>
    private async Task<bool> BothReplicasTakeConnectionsAsync()
    {
        var probes = new List<PushClient>();
        try
        {
            for (var attempt = 0; attempt < 10 && probes.Select(probe => probe.Instance).Distinct().Count() < 2; attempt++)
            {
                probes.Add(await system.ConnectAsync("probe-" + Guid.NewGuid().ToString("N")[..8], "viewer"));
            }

            return probes.Select(probe => probe.Instance).Distinct().Count() == 2;
        }
        catch (Exception ex) when (ex is WebSocketException or InvalidOperationException or TimeoutException or OperationCanceledException)
        {
            return false;
        }
        finally
        {
            foreach (var probe in probes)
            {
                await probe.DisposeAsync();
            }
        }
    }

    /// <summary>A WebSocket through the gateway and the first thing it receives: an admitted connection's welcome, or the close that refuses it.</summary>
    private async Task<(ClientWebSocket Socket, WebSocketReceiveResult First)> OpenWebSocketAsync(string user)
    {
        var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await socket.ConnectAsync(new UriBuilder(system.GatewayWebSocket) { Query = "access_token=" + Uri.EscapeDataString(system.Token(user, "viewer")) }.Uri, timeout.Token);
        return (socket, await socket.ReceiveAsync(new byte[64 * 1024], timeout.Token));
    }

    private static Task<HttpResponseMessage> OpenStreamAsync(HttpClient http) =>
        http.GetAsync("/api/sync/stream?topics=broadcast", HttpCompletionOption.ResponseHeadersRead);

    private Task<ClientWebSocket> AdmittedWebSocketAsync(string user) =>
        FirstAdmittedAsync(async () => (await OpenWebSocketAsync(user)).Socket, socket => socket.CloseStatus is not null, "WebSocket");

    private static Task<HttpResponseMessage> AdmittedStreamAsync(HttpClient http) =>
        FirstAdmittedAsync(() => OpenStreamAsync(http), response => response.StatusCode == HttpStatusCode.TooManyRequests, "event stream");

    /// <summary>Opens connections until one is let in: a closed connection's slot is given back asynchronously.</summary>
    private static async Task<T> FirstAdmittedAsync<T>(Func<Task<T>> open, Func<T, bool> refused, string transport)
        where T : class, IDisposable
    {
        T? admitted = null;
        await Wait.UntilAsync(async () =>
        {
            var opened = await open();
            if (refused(opened))
            {
                opened.Dispose();
                return false;
            }

            admitted = opened;
            return true;
        }, Timeout, $"no {transport} was let in after a connection of the user closed");
        return admitted!;
    }

    private sealed record Held(List<PushClient> WebSockets, SseClient Stream) : IAsyncDisposable
    {
        public IReadOnlyCollection<string> Instances => WebSockets.Select(client => client.Instance).ToHashSet();

        public async ValueTask DisposeAsync()
        {
            foreach (var client in WebSockets)
            {
                await client.DisposeAsync();
            }

            await Stream.DisposeAsync();
        }
    }
}
