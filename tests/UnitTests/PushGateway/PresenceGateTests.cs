using RealtimeSync.PushGateway.Access;
using RealtimeSync.PushGateway.Delivery;
using RealtimeSync.PushGateway.Presence;

namespace RealtimeSync.UnitTests.PushGateway;

public sealed class PresenceGateTests
{
    [Fact]
    public void A_new_presence_subscription_holds_events_until_its_snapshot_then_sends_them_after_it()
    {
        var connection = Connection();
        var gate = PresenceGate.For("records/a/1", connection);

        gate.Offer("join-1");
        gate.Offer("update-1");
        Assert.Empty(Queued(connection));
        gate.Open("snapshot");
        gate.Offer("leave-1");

        Assert.Equal(["snapshot", "join-1", "update-1", "leave-1"], Queued(connection));
    }

    [Fact]
    public void A_topic_without_presence_lets_events_through()
    {
        var connection = Connection();

        PresenceGate.For("broadcast", connection).Offer("event");

        Assert.Equal(["event"], Queued(connection));
    }

    [Fact]
    public void Events_wait_for_the_last_of_overlapping_snapshots_and_a_failed_read_still_opens_the_gate()
    {
        var connection = Connection();
        var gate = new PresenceGate(connection, held: false);

        gate.Hold();
        gate.Hold();
        gate.Offer("join-1");
        gate.Open("snapshot-1");
        gate.Offer("join-2");
        gate.Open(null); // the second snapshot could not be read

        Assert.Equal(["snapshot-1", "join-1", "join-2"], Queued(connection));
    }

    [Fact]
    public void Holding_more_events_than_the_send_queue_ends_the_connection_as_an_overflow()
    {
        var connection = Connection(queue: 3);
        var gate = PresenceGate.For("records/a", connection);

        Enumerable.Range(0, 4).ToList().ForEach(i => gate.Offer($"event-{i}"));

        Assert.Equal(EndReason.Overflow, connection.Ended);
    }

    private static ClientConnection Connection(int queue = 10) => new("c1", new Subscriber("ada", new HashSet<string> { "viewer" }), queue, new PlainFormat());

    private static List<string> Queued(ClientConnection connection)
    {
        var frames = new List<string>();
        while (connection.Frames.TryRead(out var frame))
        {
            frames.Add(frame);
        }

        return frames;
    }
}
