namespace RealtimeSync.PushLog;

/// <summary>What a subscription reads of a topic's log to replay and to close gaps: the seam its state machine is tested behind.</summary>
public interface ITopicHistory
{
    /// <summary>What the topic logged after <paramref name="afterOffset"/> (at most <paramref name="limit"/>), for a reader whose offsets belong to <paramref name="epoch"/>.</summary>
    Task<TopicRead> ReadAfterAsync(string topic, string? epoch, long afterOffset, int limit = 1000);
}
