using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.Push;

/// <summary>Who gets what: not the author's own connection, every tab of a user, only allowed topics, only visible fields.</summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class AudienceTests(RealtimeSystem system)
{
    [Fact]
    public async Task A_change_is_not_echoed_to_the_connection_that_made_it_but_reaches_the_same_users_other_tab()
    {
        var collection = Topics.UniqueCollection();
        using var editor = system.ClientFor("tab-user", "editor");
        await using var author = await system.ConnectAsync("tab-user", "editor");
        await using var otherTab = await system.ConnectAsync("tab-user", "editor");
        await author.SubscribeAsync($"records/{collection}");
        await otherTab.SubscribeAsync($"records/{collection}");

        await Writers.PutAsync(editor, collection, "doc", new { title = "from the author's tab" }, connectionId: author.ConnectionId);

        Assert.Equal("from the author's tab", (string?)(await otherTab.NextMessageAsync(TimeSpan.FromSeconds(20)))["payload"]!["fields"]!["title"]);
        Assert.Empty(await author.DrainMessagesAsync(TimeSpan.FromSeconds(1.5)));

        await Writers.PutAsync(editor, collection, "doc", new { title = "from elsewhere" });
        Assert.Equal("from elsewhere", (string?)(await author.NextMessageAsync(TimeSpan.FromSeconds(20)))["payload"]!["fields"]!["title"]);
    }

    [Fact]
    public async Task A_message_sent_to_a_user_reaches_every_one_of_their_tabs_and_no_one_else()
    {
        var tabs = await Topics.OnePerInstanceAsync(system, "multi-tab");
        await using var stranger = await system.ConnectAsync("stranger", "viewer");
        using var user = system.ClientFor("multi-tab", "viewer");
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 1;

        var sent = await user.PostAsJsonAsync("/api/sync/send", new { type = "user.action", payload = new { action = "click" }, correlationId = "c-1" });

        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        var messageId = (string?)(await sent.Content.ReadFromJsonAsync<JsonObject>())!["messageId"];
        foreach (var tab in tabs)
        {
            var message = await tab.NextMessageAsync(TimeSpan.FromSeconds(20));
            Assert.Equal("users/multi-tab", (string?)message["topic"]);
            Assert.Equal(messageId, (string?)message["id"]);
            Assert.Equal("click", (string?)message["payload"]!["action"]);
            await tab.DisposeAsync();
        }

        var polled = (await user.GetFromJsonAsync<JsonObject>($"/api/sync/poll?since={before}"))!;
        Assert.Contains(polled["messages"]!.AsArray(), message => (string?)message!["id"] == messageId);
        Assert.Empty(await stranger.DrainMessagesAsync(TimeSpan.FromSeconds(1)));
        Assert.Equal(HttpStatusCode.Forbidden, (await user.PostAsJsonAsync("/api/sync/send", new { type = "x", payload = new { }, to = "stranger" })).StatusCode);
    }

    [Fact]
    public async Task Topics_a_role_may_not_read_are_refused_on_every_transport()
    {
        await using var viewer = await system.ConnectAsync("viewer-9", "viewer");
        await viewer.SendAsync(new JsonObject { ["type"] = "subscribe", ["topics"] = new JsonArray("records/payroll", "users/someone-else") });

        var refusals = new[] { await viewer.NextControlAsync("error", TimeSpan.FromSeconds(10)), await viewer.NextControlAsync("error", TimeSpan.FromSeconds(10)) };
        Assert.All(refusals, refusal => Assert.Equal("forbidden_topic", (string?)refusal["code"]));
        Assert.Equal(["records/payroll", "users/someone-else"], refusals.Select(refusal => (string?)refusal["topic"]).Order());
        var subscribed = await viewer.NextControlAsync("subscribed", TimeSpan.FromSeconds(10));
        Assert.Empty(subscribed["topics"]!.AsArray());

        using var viewerHttp = system.ClientFor("viewer-9", "viewer");
        var sse = await viewerHttp.GetAsync("/api/sync/stream?topics=records/payroll", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.Forbidden, sse.StatusCode);
        Assert.Equal("application/problem+json", sse.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewerHttp.GetAsync("/api/sync/poll?since=0&topics=records/payroll")).StatusCode);

        await using var admin = await system.ConnectAsync("admin-1", "admin");
        await admin.SubscribeAsync("records/payroll");
    }

    [Fact]
    public async Task Fields_a_role_may_not_see_are_removed_for_that_audience_and_only_realtime_fields_travel()
    {
        var id = "m" + Guid.NewGuid().ToString("N")[..10];
        await using var admin = await system.ConnectAsync("admin-2", "admin");
        await using var viewer = await system.ConnectAsync("viewer-10", "viewer");
        await admin.SubscribeAsync($"records/team/{id}");
        await viewer.SubscribeAsync($"records/team/{id}");

        await Writers.PutAsync(system.Gateway, "team", id, new { name = "Ada", salary = 5000, employeeId = "E-1" });

        var full = await admin.NextMessageAsync(TimeSpan.FromSeconds(20));
        var redacted = await viewer.NextMessageAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(5000, (int)full["payload"]!["fields"]!["salary"]!);
        Assert.Equal("Ada", (string?)redacted["payload"]!["fields"]!["name"]);
        Assert.False(redacted["payload"]!["fields"]!.AsObject().ContainsKey("salary"));
        Assert.DoesNotContain("salary", redacted["payload"]!["changedFields"]!.AsArray().Select(field => (string?)field));
        Assert.Null(redacted["fieldRoles"]);
        Assert.False(full["payload"]!["fields"]!.AsObject().ContainsKey("employeeId")); // not a real-time field of team
    }

    [Fact]
    public async Task Broadcast_is_for_admins_and_reaches_everyone()
    {
        var clients = await Topics.OnePerInstanceAsync(system, "viewer-11");
        using var viewer = system.ClientFor("viewer-11", "viewer");
        using var admin = system.ClientFor("admin-3", "admin");

        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync("/api/sync/broadcast", new { type = "announcement", payload = new { } })).StatusCode);
        var sent = await admin.PostAsJsonAsync("/api/sync/broadcast", new { type = "announcement", payload = new { text = "maintenance at noon" } });

        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        foreach (var client in clients)
        {
            var message = await client.NextAsyncOfType("announcement");
            Assert.Equal("broadcast", (string?)message["topic"]);
            Assert.Equal("maintenance at noon", (string?)message["payload"]!["text"]);
            await client.DisposeAsync();
        }
    }
}

internal static class PushClientExtensions
{
    /// <summary>The next change message of a given type (other tests may broadcast too).</summary>
    public static async Task<JsonObject> NextAsyncOfType(this PushClient client, string type)
    {
        while (true)
        {
            var message = await client.NextMessageAsync(TimeSpan.FromSeconds(20));
            if ((string?)message["type"] == type)
            {
                return message;
            }
        }
    }
}
