namespace RealtimeSync.PushLog;

public sealed class TopicLogOptions
{
    /// <summary>Messages kept per topic for replay (seed 004's queue limit).</summary>
    public int MaxMessages { get; set; } = 1000;

    /// <summary>How long a message stays replayable (seed 004's TTL).</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a quiet topic's head (epoch, last offset) is kept. Much longer than <see cref="MaxAge"/>, so a client
    /// that saw everything and comes back after the messages expired resumes without a needless resync; bounded,
    /// so Redis does not keep a head for every record ever changed. A client back after this gets <c>resync</c>.
    /// </summary>
    public TimeSpan HeadRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long an event id is remembered to drop redeliveries; well beyond any broker redelivery delay.</summary>
    public TimeSpan DeduplicationWindow { get; set; } = TimeSpan.FromHours(24);
}
