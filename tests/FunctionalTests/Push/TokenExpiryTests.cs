using System.Net;
using System.Text.Json.Nodes;
using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.Push;

/// <summary>A connection lives no longer than its token, unless the client hands in a fresh one in time.</summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class TokenExpiryTests(RealtimeSystem system)
{
    // Long enough that connecting, the welcome and an 'auth' round trip fit well inside it on a loaded machine: a token's
    // exp is whole seconds, so it lives up to a second less than this.
    private static readonly TimeSpan ShortLife = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task A_websocket_is_closed_with_4001_when_its_token_expires()
    {
        await using var client = await PushClient.ConnectAsync(system.GatewayWebSocket, system.Token("expiring-1", ShortLife, "viewer"));

        await client.WaitClosedAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(4001, (int?)client.CloseStatus);
        Assert.Contains("token expired", client.CloseReason);
    }

    [Fact]
    public async Task A_fresh_token_sent_in_time_keeps_the_websocket_open_past_the_first_expiry()
    {
        var firstExpiry = DateTimeOffset.UtcNow + ShortLife;
        await using var client = await PushClient.ConnectAsync(system.GatewayWebSocket, system.Token("expiring-2", ShortLife, "viewer"));

        await client.SendAsync(new JsonObject { ["type"] = "auth", ["token"] = system.Token("expiring-2", TimeSpan.FromHours(1), "viewer") });
        var authenticated = await client.NextControlAsync("authenticated", TimeSpan.FromSeconds(10));
        await Wait.UntilAsync(() => DateTimeOffset.UtcNow > firstExpiry + TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30), "the clock did not pass the first token's expiry");
        await client.SendAsync(new JsonObject { ["type"] = "ping" });

        Assert.True((long)authenticated["expiresAt"]! > DateTimeOffset.UtcNow.AddMinutes(50).ToUnixTimeMilliseconds());
        await client.NextControlAsync("pong", TimeSpan.FromSeconds(10));
        Assert.True(client.IsOpen);
    }

    [Fact]
    public async Task Another_users_token_does_not_extend_a_connection()
    {
        await using var client = await PushClient.ConnectAsync(system.GatewayWebSocket, system.Token("expiring-3", ShortLife, "viewer"));

        await client.SendAsync(new JsonObject { ["type"] = "auth", ["token"] = system.Token("someone-else", TimeSpan.FromHours(1), "viewer") });
        var refused = await client.NextControlAsync("error", TimeSpan.FromSeconds(10));
        await client.WaitClosedAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("invalid_token", (string?)refused["code"]);
        Assert.Equal(4001, (int?)client.CloseStatus);
    }

    [Fact]
    public async Task An_event_stream_ends_when_its_token_expires()
    {
        using var http = system.ClientFor(null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/sync/stream?topics=broadcast");
        request.Headers.Authorization = new("Bearer", system.Token("expiring-4", ShortLife, "viewer"));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var stream = await response.Content.ReadAsStreamAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var buffer = new byte[4096];
        while (await stream.ReadAsync(buffer, timeout.Token) > 0)
        {
        }

        Assert.False(timeout.IsCancellationRequested, "the stream was still open 30 s after it started, well past its token's expiry");
    }
}
