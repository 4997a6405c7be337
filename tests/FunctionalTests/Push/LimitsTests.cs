using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.Push;

/// <summary>Seed 004's security list made real: each refusal is a clear error and affects nothing else.</summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class LimitsTests(RealtimeSystem system)
{
    [Fact]
    public async Task The_thousand_and_first_request_in_the_window_is_refused_with_429_and_other_users_are_unaffected()
    {
        using var greedy = system.ClientFor("greedy-" + Guid.NewGuid().ToString("N")[..6], "viewer");
        var statuses = new List<HttpStatusCode>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 1000), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, cancellationToken) =>
        {
            var response = await greedy.GetAsync("/api/sync/changes?topics=broadcast", cancellationToken);
            lock (statuses)
            {
                statuses.Add(response.StatusCode);
            }
        });

        var refused = await greedy.GetAsync("/api/sync/changes?topics=broadcast");
        using var other = system.ClientFor("modest", "viewer");

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/sync/changes?topics=broadcast")).StatusCode);
    }

    [Fact]
    public async Task A_websocket_frame_over_64_kb_closes_with_1009_and_an_invalid_frame_gets_an_error_but_keeps_the_connection()
    {
        await using var careless = await system.ConnectAsync("viewer-12", "viewer");
        await careless.SendTextAsync("{\"type\": \"subscribe\", \"topics\": ");
        var error = await careless.NextControlAsync("error", TimeSpan.FromSeconds(10));
        Assert.Equal("invalid_message", (string?)error["code"]);
        await careless.SendTextAsync("{\"type\": \"\\ud800\"}"); // parses, but is not valid UTF-16 text
        Assert.Equal("invalid_message", (string?)(await careless.NextControlAsync("error", TimeSpan.FromSeconds(10)))["code"]);
        await careless.SendAsync(new JsonObject { ["type"] = "ping" });
        await careless.NextControlAsync("pong", TimeSpan.FromSeconds(10));

        await using var oversized = await system.ConnectAsync("viewer-12", "viewer");
        await oversized.SendTextAsync("{\"type\":\"ping\",\"pad\":\"" + new string('x', 70 * 1024) + "\"}");
        await oversized.WaitClosedAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, oversized.CloseStatus);
        Assert.Contains("65536", oversized.CloseReason);
    }

    [Fact]
    public async Task Invalid_or_oversized_http_messages_and_missing_tokens_get_problem_details()
    {
        using var user = system.ClientFor("viewer-13", "viewer");
        using var anonymous = system.ClientFor(null);

        var tooBig = await user.PostAsync("/api/sync/send", new StringContent("{\"type\":\"x\",\"payload\":{\"pad\":\"" + new string('x', 70 * 1024) + "\"}}", Encoding.UTF8, "application/json"));
        var invalid = await user.PostAsJsonAsync("/api/sync/send", new { payload = "not an object", extra = 1 });
        var tooManyTopics = string.Join(',', Enumerable.Range(0, 101).Select(n => $"records/many-{n}"));
        var pollingTooMuch = await user.GetAsync($"/api/sync/poll?topics={tooManyTopics}");
        var streamingTooMuch = await user.GetAsync($"/api/sync/stream?topics={tooManyTopics}", HttpCompletionOption.ResponseHeadersRead);
        var noToken = await anonymous.GetAsync("/api/sync/status");
        var noTokenWs = await anonymous.GetAsync("/ws");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.StatusCode);
        var errors = (await invalid.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.True(errors.ContainsKey("type") && errors.ContainsKey("payload") && errors.ContainsKey("extra"));
        Assert.All([pollingTooMuch, streamingTooMuch], response =>
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        });
        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
        Assert.Equal("application/problem+json", noToken.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, noTokenWs.StatusCode);
    }

    [Fact]
    public async Task Status_shows_every_instance_and_the_change_marker_answers_304_until_something_changes()
    {
        var clients = await Topics.OnePerInstanceAsync(system, "viewer-14");
        using var user = system.ClientFor("viewer-14", "viewer");
        var collection = Topics.UniqueCollection();
        try
        {
            // Instances report every 3 s: wait until both have, counting these clients.
            using var admin = system.ClientFor("admin-14", "admin");
            var expected = clients.Select(client => client.Instance).Order().ToList();
            await Wait.UntilAsync(async () =>
            {
                var detail = (await admin.GetFromJsonAsync<JsonObject>("/api/sync/status"))!["status"]!;
                return expected.SequenceEqual(detail["instances"]!.AsArray().Select(instance => (string)instance!["instance"]!).Order())
                    && (int)detail["websocket"]!["connections"]! >= 2;
            }, TimeSpan.FromSeconds(30), "the status did not list both instances with these clients' connections");

            // Seed 004's polling queues: one per user with messages waiting, counted from the users/* logs.
            var status = (await user.GetFromJsonAsync<JsonObject>("/api/sync/status"))!["status"]!;
            Assert.Null(status["instances"]); // instance detail is operational, for admins only
            using var sender = system.ClientFor("queued-" + Guid.NewGuid().ToString("N")[..6], "viewer");
            for (var n = 0; n < 2; n++)
            {
                (await sender.PostAsJsonAsync("/api/sync/send", new { type = "note", payload = new { n } })).EnsureSuccessStatusCode();
            }

            var polling = (await user.GetFromJsonAsync<JsonObject>("/api/sync/status"))!["status"]!["polling"]!;
            Assert.Equal((int)status["polling"]!["queues"]! + 1, (int)polling["queues"]!);
            Assert.Equal((long)status["polling"]!["messages"]! + 2, (long)polling["messages"]!);

            var first = await user.GetAsync($"/api/sync/changes?topics=records/{collection}");
            var tag = first.Headers.ETag!;
            using var again = new HttpRequestMessage(HttpMethod.Get, $"/api/sync/changes?topics=records/{collection}");
            again.Headers.IfNoneMatch.Add(tag);
            Assert.Equal(HttpStatusCode.NotModified, (await user.SendAsync(again)).StatusCode);

            await Writers.PutAsync(system.Gateway, collection, "x", new { v = 1 });
            await Writers.WaitForOffsetAsync(system, $"records/{collection}", 1);
            using var afterChange = new HttpRequestMessage(HttpMethod.Get, $"/api/sync/changes?topics=records/{collection}");
            afterChange.Headers.IfNoneMatch.Add(tag);
            var changed = await user.SendAsync(afterChange);
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
            Assert.True((long)(await changed.Content.ReadFromJsonAsync<JsonObject>())!["topics"]![0]!["changedAt"]! > 0);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }
}
