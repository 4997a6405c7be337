namespace RealtimeSync.Outbox;

/// <summary>
/// Where the dispatcher's next read of pending rows starts. A read from the start of the queue walks past every row
/// published since the queue's last vacuum (their index entries stay until then), which made each read of a long backlog
/// slower than the one before. So while reads come back full, each starts after the last row read. A row that committed
/// after rows with a higher seq were read (its transaction began first) is found by a read from the start, made when a read
/// comes back short (the backlog is drained) and at least every <see cref="OutboxOptions.LateRowScanInterval"/>.
/// </summary>
public sealed class OutboxCursor(TimeProvider time, TimeSpan lateRowScanInterval)
{
    private long _after;
    private DateTimeOffset _fromStartDue = DateTimeOffset.MinValue;

    /// <summary>The seq the next read starts after: 0 reads from the start.</summary>
    public long StartAfter()
    {
        var now = time.GetUtcNow();
        if (_after == 0 || now >= _fromStartDue)
        {
            _fromStartDue = now + lateRowScanInterval;
            return 0;
        }

        return _after;
    }

    /// <summary>A read's rows were all dealt with (published or set aside): <paramref name="lastSeq"/> is the last one, <paramref name="full"/> whether the read filled its batch.</summary>
    public void Handled(long lastSeq, bool full) => _after = full ? lastSeq : 0;

    /// <summary>A dispatch failed part-way: the next read starts from the start.</summary>
    public void Lost() => _after = 0;
}
