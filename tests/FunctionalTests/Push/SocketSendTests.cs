using System.Text.Json.Nodes;
using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.Push;

/// <summary>Seed 004's send over the socket itself: the same message, rules and log as <c>POST /api/sync/send</c>.</summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class SocketSendTests(RealtimeSystem system)
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_tab_sends_over_its_socket_and_the_users_other_tab_gets_it_as_a_message_on_the_users_topic()
    {
        var user = "socket-sender-" + Guid.NewGuid().ToString("N")[..6];
        await using var sender = await system.ConnectAsync(user, "viewer");
        await using var otherTab = await system.ConnectAsync(user, "viewer");
        await otherTab.SendAsync(new JsonObject { ["type"] = "ping" }); // the own topics go live after the first command
        await otherTab.NextControlAsync("pong", Soon);

        await sender.SendAsync(Send(new JsonObject { ["type"] = "cart.updated", ["payload"] = new JsonObject { ["items"] = 3 }, ["correlationId"] = "c-1" }));
        var sent = await sender.NextControlAsync("sent", Soon);
        Assert.Equal("c-1", (string?)sent["correlationId"]);

        var received = await otherTab.NextMessageAsync(Soon);
        Assert.Equal($"users/{user}", (string?)received["topic"]);
        Assert.Equal("cart.updated", (string?)received["type"]);
        Assert.Equal(3, (int)received["payload"]!["items"]!);
        Assert.Equal((string?)sent["messageId"], (string?)received["id"]);
        Assert.Equal(sender.ConnectionId, (string?)received["origin"]); // so the sending tab itself is not echoed
    }

    [Fact]
    public async Task A_send_to_another_user_without_the_admin_role_or_with_a_control_type_is_refused_with_an_error_frame()
    {
        await using var client = await system.ConnectAsync("socket-sender-refused", "viewer");
        await client.SendAsync(Send(new JsonObject { ["type"] = "note", ["payload"] = new JsonObject(), ["to"] = "someone-else" }));
        Assert.Equal("forbidden_recipient", (string?)(await client.NextControlAsync("error", Soon))["code"]);

        await client.SendAsync(Send(new JsonObject { ["type"] = "welcome", ["payload"] = new JsonObject() }));
        var error = await client.NextControlAsync("error", Soon);
        Assert.Equal("invalid_message", (string?)error["code"]);
        Assert.Contains("control frame", (string?)error["message"]);

        await client.SendTextAsync("""{"type":"send","message":{"type":"note","type":"note","payload":{}}}""");
        Assert.Contains("more than once", (string?)(await client.NextControlAsync("error", Soon))["message"]);

        await client.SendAsync(new JsonObject { ["type"] = "send" });
        Assert.Contains("'send' needs 'message'", (string?)(await client.NextControlAsync("error", Soon))["message"]);
        Assert.True(client.IsOpen);
    }

    private static JsonObject Send(JsonObject message) => new() { ["type"] = "send", ["message"] = message };
}
