namespace RealtimeSync.PushLog;

public sealed class TopicLogOptions
{
    /// <summary>Messages kept per topic for replay (seed 004's queue limit).</summary>
    public int MaxMessages { get; set; } = 1000;

    /// <summary>How long a message stays replayable (seed 004's TTL).</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long an event id is remembered to drop redeliveries; well beyond any broker redelivery delay.</summary>
    public TimeSpan DeduplicationWindow { get; set; } = TimeSpan.FromHours(24);
}
