using RealtimeSync.PushGateway.Access;

namespace RealtimeSync.PushGateway.Presence;

/// <summary>Where presence is kept: on <c>records/...</c> topics (the screens that edit something), read rights being the topic's.</summary>
public static class PresenceTopics
{
    public static bool Holds(string topic) => topic.StartsWith("records/", StringComparison.Ordinal);

    /// <summary>Null when <paramref name="subscriber"/> may join or watch the presence of <paramref name="topic"/>; otherwise why not.</summary>
    public static string? Refusal(TopicAccess access, Subscriber subscriber, string topic) =>
        Holds(topic) ? access.Refusal(subscriber, topic) : $"'{topic}' has no presence: presence is kept on records/... topics only";
}
