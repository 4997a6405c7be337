namespace RealtimeSync.Bench.SideBySide.Load;

/// <summary>What <see cref="RealtimeSyncDialect"/> reads of one server frame; -1 where a message field is absent.</summary>
internal struct RealtimeSyncFrame()
{
    public string? Type { get; set; }

    public string? Instance { get; set; }

    public string? Topic { get; set; }

    public long Offset { get; set; } = -1;

    /// <summary>merge-api's commit time, Unix ms.</summary>
    public long Timestamp { get; set; }

    public long Sequence { get; set; } = -1;

    public long SentAt { get; set; }
}
