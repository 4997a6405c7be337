using RealtimeSync.PushGateway.Access;
using RealtimeSync.PushGateway.Delivery;

namespace RealtimeSync.UnitTests.PushGateway;

public sealed class BackpressureTests
{
    [Fact]
    public void A_client_that_falls_a_whole_queue_behind_is_cut_off_instead_of_growing_memory()
    {
        var connection = new ClientConnection("c1", new Subscriber("ada", new HashSet<string>()), sendQueueLimit: 3, new PlainFormat());

        var accepted = Enumerable.Range(0, 3).Select(n => connection.Enqueue($"frame {n}")).ToList();
        var overflow = connection.Enqueue("one too many");

        Assert.All(accepted, Assert.True);
        Assert.False(overflow);
        Assert.Equal(EndReason.Overflow, connection.Ended);
        Assert.True(connection.EndToken.IsCancellationRequested); // the transport closes with 4008
        Assert.Equal(3, connection.QueuedFrames);
        Assert.False(connection.Enqueue("after"));
    }

    [Fact]
    public async Task A_frame_offered_after_the_transport_closed_is_no_overflow_and_a_waiting_replay_stops()
    {
        var connection = new ClientConnection("c2", new Subscriber("ada", new HashSet<string>()), sendQueueLimit: 3, new PlainFormat());
        connection.Enqueue("frame 0");
        connection.Enqueue("frame 1");
        var waiting = connection.ReplayTurnAsync(frames: 3, CancellationToken.None); // no room: waits for the client to read

        connection.Complete();

        Assert.False(connection.Enqueue("late"));
        Assert.Equal(EndReason.Closed, connection.Ended);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
