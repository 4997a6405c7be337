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
    public void A_few_huge_frames_overflow_a_slow_client_as_surely_as_many_small_ones()
    {
        var connection = new ClientConnection("c3", new Subscriber("ada", new HashSet<string>()), sendQueueLimit: 100, new PlainFormat(), sendQueueCharLimit: 10_000);

        Assert.True(connection.Enqueue(new string('x', 6_000)));
        Assert.True(connection.Enqueue(new string('y', 4_000))); // exactly at the bound
        Assert.False(connection.Enqueue("z"));

        Assert.Equal(EndReason.Overflow, connection.Ended);
        Assert.Equal(2, connection.QueuedFrames);
    }

    [Fact]
    public void Reading_frees_the_room_and_a_frame_bigger_than_the_bound_still_reaches_an_idle_client()
    {
        var connection = new ClientConnection("c4", new Subscriber("ada", new HashSet<string>()), sendQueueLimit: 100, new PlainFormat(), sendQueueCharLimit: 10_000);
        Assert.True(connection.Enqueue(new string('x', 8_000)));
        Assert.True(connection.Frames.TryRead(out _));

        Assert.True(connection.Enqueue(new string('x', 8_000))); // the first one's room is free again
        Assert.True(connection.Frames.TryRead(out _));
        Assert.True(connection.Enqueue(new string('b', 50_000))); // alone in the queue: delivered, not an overflow
        Assert.False(connection.Enqueue("next")); // but nothing queues behind it
        Assert.Equal(EndReason.Overflow, connection.Ended);
    }

    [Fact]
    public async Task A_frame_offered_after_the_transport_closed_is_no_overflow_and_a_waiting_replay_stops()
    {
        var connection = new ClientConnection("c2", new Subscriber("ada", new HashSet<string>()), sendQueueLimit: 3, new PlainFormat());
        connection.Enqueue("frame 0");
        connection.Enqueue("frame 1");
        var waiting = connection.ReplayTurnAsync(frames: 3, chars: 0, CancellationToken.None); // no room: waits for the client to read

        connection.Complete();

        Assert.False(connection.Enqueue("late"));
        Assert.Equal(EndReason.Closed, connection.Ended);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
