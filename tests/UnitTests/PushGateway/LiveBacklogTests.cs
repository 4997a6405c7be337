using RealtimeSync.PushGateway.Delivery;

namespace RealtimeSync.UnitTests.PushGateway;

public sealed class LiveBacklogTests
{
    private static RoutedMessage Message(long offset, string epoch = "e1") =>
        new("records/orders", offset, epoch, null, 0, null, $$"""{"topic":"records/orders","offset":{{offset}},"epoch":"{{epoch}}"}""");

    private static List<long> Drain(LiveBacklog backlog, string epoch, ref long last)
    {
        var taken = new List<long>();
        while (backlog.TakeNext(epoch, last) is { } next)
        {
            taken.Add(next.Offset);
            last = next.Offset;
        }

        return taken;
    }

    [Fact]
    public void Messages_that_arrived_out_of_order_leave_in_offset_order_each_once()
    {
        var backlog = new LiveBacklog(10);
        foreach (var offset in new long[] { 7, 5, 6, 5, 8 })
        {
            Assert.True(backlog.TryAdd(Message(offset)));
        }

        var last = 4L;
        Assert.Equal([5, 6, 7, 8], Drain(backlog, "e1", ref last));
        Assert.True(backlog.IsEmpty); // the repeated 5 was dropped, not delivered twice
    }

    [Fact]
    public void A_missing_offset_holds_back_everything_after_it_and_repeats_of_delivered_ones_are_dropped()
    {
        var backlog = new LiveBacklog(10);
        foreach (var offset in new long[] { 3, 4, 6, 7 })
        {
            backlog.TryAdd(Message(offset));
        }

        var last = 4L; // 1 to 4 were delivered from the log meanwhile
        Assert.Empty(Drain(backlog, "e1", ref last));
        Assert.False(backlog.IsEmpty); // 6 and 7 wait for 5

        backlog.TryAdd(Message(5));
        Assert.Equal([5, 6, 7], Drain(backlog, "e1", ref last));
        Assert.True(backlog.IsEmpty);
    }

    [Fact]
    public void A_message_of_another_epoch_is_never_taken_as_the_next_one()
    {
        var backlog = new LiveBacklog(10);
        backlog.TryAdd(Message(1, "e2"));

        Assert.Equal("e2", backlog.OldestEpoch);
        Assert.Null(backlog.TakeNext("e1", 0));
        Assert.Equal(1, backlog.TakeNext("e2", 0)!.Offset);
    }

    [Fact]
    public void A_resync_drops_what_it_leaves_behind_and_keeps_what_follows_it()
    {
        var backlog = new LiveBacklog(10);
        foreach (var message in new[] { Message(3, "e1"), Message(11, "e2"), Message(12, "e2"), Message(10, "e2") })
        {
            backlog.TryAdd(message);
        }

        backlog.DropThrough(new TopicPosition("e2", 10));

        var last = 10L;
        Assert.Equal([11, 12], Drain(backlog, "e2", ref last));
        Assert.True(backlog.IsEmpty);
    }

    [Fact]
    public void One_message_past_the_limit_is_refused_so_the_subscription_can_end()
    {
        var backlog = new LiveBacklog(3);

        Assert.True(backlog.TryAdd(Message(2)));
        Assert.True(backlog.TryAdd(Message(3)));
        Assert.True(backlog.TryAdd(Message(4)));
        Assert.False(backlog.TryAdd(Message(5)));
    }
}
