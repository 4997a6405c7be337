using RealtimeSync.Outbox;

namespace RealtimeSync.UnitTests.Outbox;

/// <summary>A backlog is read on from its last row; a row committed late is still found, soon.</summary>
public sealed class OutboxCursorTests
{
    private readonly ManualClock _time = new();

    [Fact]
    public void The_first_read_starts_from_the_start()
    {
        Assert.Equal(0, new OutboxCursor(_time, TimeSpan.FromSeconds(1)).StartAfter());
    }

    [Fact]
    public void While_reads_come_back_full_each_starts_after_the_last_row_read()
    {
        var cursor = new OutboxCursor(_time, TimeSpan.FromSeconds(1));
        Assert.Equal(0, cursor.StartAfter());
        cursor.Handled(500, full: true);
        Assert.Equal(500, cursor.StartAfter());
        cursor.Handled(1000, full: true);
        Assert.Equal(1000, cursor.StartAfter());
    }

    [Fact]
    public void A_short_read_sends_the_next_one_back_to_the_start()
    {
        var cursor = ReadingOnAfter500();
        cursor.StartAfter();
        cursor.Handled(720, full: false);
        Assert.Equal(0, cursor.StartAfter());
    }

    [Fact]
    public void During_a_long_backlog_a_read_from_the_start_comes_every_interval()
    {
        var cursor = ReadingOnAfter500();
        _time.Advance(TimeSpan.FromMilliseconds(900));
        Assert.Equal(500, cursor.StartAfter());
        cursor.Handled(1000, full: true);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(0, cursor.StartAfter()); // a late row below 1000 is found now
        cursor.Handled(1500, full: true);
        Assert.Equal(1500, cursor.StartAfter());
    }

    [Fact]
    public void A_failed_dispatch_starts_the_next_read_from_the_start()
    {
        var cursor = ReadingOnAfter500();
        cursor.Lost();
        Assert.Equal(0, cursor.StartAfter());
    }

    /// <summary>A cursor whose first read, from the start, came back full up to seq 500.</summary>
    private OutboxCursor ReadingOnAfter500()
    {
        var cursor = new OutboxCursor(_time, TimeSpan.FromSeconds(1));
        cursor.StartAfter();
        cursor.Handled(500, full: true);
        return cursor;
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
