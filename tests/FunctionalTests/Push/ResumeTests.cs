using System.Net.Http.Json;
using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.Push;

/// <summary>Resuming covers every topic a client holds: its own user topic, and topics that had no message yet.</summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class ResumeTests(RealtimeSystem system)
{
    [Fact]
    public async Task A_websocket_client_resumes_its_own_user_topic_and_gets_what_was_sent_while_it_was_away()
    {
        var user = "resumer-" + Guid.NewGuid().ToString("N")[..6];
        using var http = system.ClientFor(user, "viewer");
        await using (var first = await system.ConnectAsync(user, "viewer"))
        {
            (await http.PostAsJsonAsync("/api/sync/send", new { type = "note", payload = new { n = 1 } })).EnsureSuccessStatusCode();
            var seen = await first.NextMessageAsync(TimeSpan.FromSeconds(20));
            var position = ((string)seen["epoch"]!, (long)seen["offset"]!);

            await first.DisposeAsync();
            (await http.PostAsJsonAsync("/api/sync/send", new { type = "note", payload = new { n = 2 } })).EnsureSuccessStatusCode();
            (await http.PostAsJsonAsync("/api/sync/send", new { type = "note", payload = new { n = 3 } })).EnsureSuccessStatusCode();

            await using var again = await system.ConnectAsync(user, "viewer");
            await again.SubscribeAsync([$"users/{user}"], new Dictionary<string, (string, long)> { [$"users/{user}"] = position });
            var missed = await again.MessagesAsync(2, TimeSpan.FromSeconds(20));
            Assert.Equal([2, 3], missed.Select(message => (int)message["payload"]!["n"]!));
            Assert.Empty(await again.DrainMessagesAsync(TimeSpan.FromSeconds(1)));
        }
    }

    [Fact]
    public async Task An_sse_cursor_covers_a_topic_that_had_no_message_yet()
    {
        var (busy, quiet) = (Topics.UniqueCollection(), Topics.UniqueCollection());
        string lastId;
        await using (var sse = await SseClient.ConnectAsync(system.ClientFor("viewer-30", "viewer"), $"records/{busy},records/{quiet}"))
        {
            await Writers.WriteChangesAsync(system, busy, 1, parallel: 1);
            lastId = (await sse.MessagesAsync(1, TimeSpan.FromSeconds(20)))[0].Id;
        }

        await Writers.WriteChangesAsync(system, quiet, 2, parallel: 1);
        await using var resumed = await SseClient.ConnectAsync(system.ClientFor("viewer-30", "viewer"), $"records/{busy},records/{quiet}", lastEventId: lastId);

        var missed = await resumed.MessagesAsync(2, TimeSpan.FromSeconds(20));
        Assert.All(missed, message => Assert.Equal($"records/{quiet}", (string?)message.Message["topic"]));
        Writers.AssertContiguous(missed.Select(message => message.Message).ToList(), first: 1);
    }
}
