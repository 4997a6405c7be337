using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using RealtimeSync.PushGateway.Access;
using RealtimeSync.PushGateway.Delivery;

namespace RealtimeSync.UnitTests.PushGateway;

/// <summary>A subscription catching up from the topic log: nothing lost to a read that came too early, nothing overflowing its own client.</summary>
public sealed class CatchUpTests
{
    private const string Topic = "records/orders";
    private const string Epoch = "e1";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_catch_up_asked_for_while_one_reads_makes_it_read_again_so_messages_dropped_meanwhile_arrive()
    {
        var log = new LoggedTopic(Topic, Epoch);
        log.Append();
        log.Append();
        var connection = Connection(sendQueueCharLimit: long.MaxValue);
        var subscription = TopicSubscription.Create(Topic, new TopicPosition(Epoch, 0), connection, log, NullLogger<TopicSubscription>.Instance, bufferLimit: 10);
        var release = new TaskCompletionSource();
        log.HoldNextRead(release.Task);
        using var reading = new CancellationTokenSource(Timeout);
        var client = ReadAsync(connection, count: 4, reading.Token); // a replay round waits for its client to make room

        var replay = subscription.StartAsync(CancellationToken.None);
        await log.ReadTaken.Task.WaitAsync(Timeout); // it has read offsets 1 and 2
        log.Append(); // 3 and 4 are published and never reach this instance live (its backlog was dropped) ...
        log.Append();
        subscription.CatchUp(); // ... so the fan-out asks every subscription to catch up
        release.SetResult();
        await replay.WaitAsync(Timeout);

        Assert.Equal([1L, 2L, 3L, 4L], await client);
    }

    [Theory]
    [InlineData(3_000, 0)]
    [InlineData(6_000, 0)] // more than half the bound: each waits for a queue the client has emptied
    [InlineData(3_000, 2_000)] // frames longer than their JSON (SSE's cursor): the wait is for the frame
    public async Task A_replay_bigger_than_the_send_queue_character_bound_arrives_whole_in_rounds_as_the_client_reads(int padding, int framing)
    {
        var log = new LoggedTopic(Topic, Epoch);
        for (var n = 0; n < 10; n++)
        {
            log.Append(padding); // ten messages against a bound of 10,000 characters
        }

        var connection = Connection(sendQueueCharLimit: 10_000, framing);
        var subscription = TopicSubscription.Create(Topic, new TopicPosition(Epoch, 0), connection, log, NullLogger<TopicSubscription>.Instance, bufferLimit: 10);
        using var reading = new CancellationTokenSource(Timeout);
        var client = ReadAsync(connection, count: 10, reading.Token);

        await subscription.StartAsync(CancellationToken.None).WaitAsync(Timeout);
        var offsets = await client;

        Assert.Equal(Enumerable.Range(1, 10).Select(n => (long)n), offsets); // in order, and no resync among them
        Assert.Equal(EndReason.None, connection.Ended);
    }

    private static ClientConnection Connection(long sendQueueCharLimit, int framing = 0) =>
        new("c1", new Subscriber("ada", new HashSet<string> { "viewer" }), sendQueueLimit: 100, new Framed(framing), sendQueueCharLimit);

    /// <summary>A client reading its frames as they come, until it has <paramref name="count"/>.</summary>
    private static async Task<List<long>> ReadAsync(ClientConnection connection, int count, CancellationToken cancellationToken)
    {
        var offsets = new List<long>();
        await foreach (var frame in connection.Frames.ReadAllAsync(cancellationToken))
        {
            offsets.Add((long)JsonNode.Parse(frame)!["offset"]!);
            if (offsets.Count == count)
            {
                break;
            }
        }

        return offsets;
    }

    /// <summary>A transport whose frames carry <paramref name="framing"/> characters around the JSON (blank, so a frame still parses).</summary>
    private sealed class Framed(int framing) : ITransportFormat
    {
        public string Name => "framed";

        public string Message(string json, IReadOnlyDictionary<string, TopicPosition> positions) => new string(' ', framing) + json;

        public string Control(string json, IReadOnlyDictionary<string, TopicPosition> positions) => json;
    }
}
