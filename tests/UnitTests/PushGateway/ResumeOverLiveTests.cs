using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using RealtimeSync.PushGateway.Access;
using RealtimeSync.PushGateway.Delivery;
using RealtimeSync.PushLog;

namespace RealtimeSync.UnitTests.PushGateway;

/// <summary>
/// A reconnecting client resumes its own topics (users/&lt;me&gt;, broadcast), which the server opened "from now" at connect.
/// If the resume comes after that subscription began delivering, replacing it would lose what lay between the resume point
/// and its start: the client, past those offsets already, would drop the replay as repeats.
/// </summary>
public sealed class ResumeOverLiveTests
{
    private const string Topic = "users/ada";
    private const string Epoch = "e1";

    [Fact]
    public async Task A_resume_from_before_the_start_after_live_delivery_began_keeps_the_subscription_and_asks_for_a_resync()
    {
        var (log, connection, subscription) = await StartedAtHeadAsync(logged: 3);

        subscription.Offer(Routed(log.Append())); // offset 4, delivered live
        Assert.False(subscription.CloseForResume(new TopicPosition(Epoch, 1)));
        subscription.ResyncOvertakenResume();
        subscription.Offer(Routed(log.Append())); // still live: offset 5

        var frames = Drain(connection);
        Assert.Equal([4L, -1L, 5L], frames.Select(frame => (string?)frame["type"] == "resync" ? -1L : (long)frame["offset"]!));
        Assert.Equal(4L, (long)frames[1]["offset"]!); // reload, then go on after offset 4
    }

    [Fact]
    public async Task A_resume_before_anything_was_delivered_replaces_the_subscription()
    {
        var (log, connection, subscription) = await StartedAtHeadAsync(logged: 3);

        Assert.True(subscription.CloseForResume(new TopicPosition(Epoch, 1)));
        subscription.Offer(Routed(log.Append()));

        Assert.Empty(Drain(connection)); // the resuming subscription replays 2..4 in its place
    }

    [Fact]
    public async Task A_resume_from_at_or_after_the_start_replaces_the_subscription_even_after_delivery()
    {
        var (log, connection, subscription) = await StartedAtHeadAsync(logged: 3);
        subscription.Offer(Routed(log.Append()));

        Assert.True(subscription.CloseForResume(new TopicPosition(Epoch, 3))); // the replay from 3 brings 4 again, which the client knows
        subscription.Offer(Routed(log.Append()));

        Assert.Equal([4L], Drain(connection).Select(frame => (long)frame["offset"]!));
    }

    private static async Task<(LoggedTopic Log, ClientConnection Connection, TopicSubscription Subscription)> StartedAtHeadAsync(int logged)
    {
        var log = new LoggedTopic(Topic, Epoch);
        for (var n = 0; n < logged; n++)
        {
            log.Append();
        }

        var connection = new ClientConnection("c1", new Subscriber("ada", new HashSet<string> { "viewer" }), 100, new PlainFormat());
        var subscription = TopicSubscription.Create(Topic, null, connection, log, NullLogger<TopicSubscription>.Instance, bufferLimit: 10);
        subscription.StartAt(new TopicHead(Topic, Epoch, logged, 0));
        await subscription.StartAsync(CancellationToken.None);
        return (log, connection, subscription);
    }

    private static RoutedMessage Routed(string json) => RoutedMessage.TryParse(json) ?? throw new InvalidOperationException("unroutable: " + json);

    private static List<JsonObject> Drain(ClientConnection connection)
    {
        var frames = new List<JsonObject>();
        while (connection.Frames.TryRead(out var frame))
        {
            frames.Add(JsonNode.Parse(frame)!.AsObject());
        }

        return frames;
    }
}
