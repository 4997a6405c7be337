using System.Text.Json;
using RealtimeSync.PushLog;

namespace RealtimeSync.PushGateway.Delivery;

/// <summary>The push protocol's control frames (docs/architecture.md). Change messages are forwarded as logged.</summary>
public static class Frames
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Welcome(string connectionId, string instance, string userId, TimeSpan heartbeat, TimeSpan timeout) => Serialize(new
    {
        type = "welcome",
        connectionId,
        instance,
        userId,
        heartbeat = new { intervalSeconds = heartbeat.TotalSeconds, timeoutSeconds = timeout.TotalSeconds },
    });

    /// <summary>
    /// The acknowledgement, with where each topic subscribed "from now" stood: a client that reconnects before any
    /// message came on it resumes from there instead of from nothing, and so misses nothing published meanwhile.
    /// </summary>
    public static string Subscribed(IEnumerable<string> topics, IReadOnlyList<TopicHead> heads) => Serialize(new
    {
        type = "subscribed",
        topics,
        positions = heads.ToDictionary(head => head.Topic, head => new { epoch = head.Epoch, offset = head.Offset }),
    });

    public static string Unsubscribed(IEnumerable<string> topics) => Serialize(new { type = "unsubscribed", topics });

    public static string Authenticated(DateTimeOffset? expiresAt) => Serialize(new { type = "authenticated", expiresAt = expiresAt?.ToUnixTimeMilliseconds() });

    public static string Resync(string topic, string reason, TopicPosition current) =>
        Serialize(new { type = "resync", topic, reason, epoch = current.Epoch, offset = current.Offset });

    public static string Joined(string topic) => Serialize(new { type = "joined", topic });

    public static string Left(string topic) => Serialize(new { type = "left", topic });

    public static string Error(string code, string message, string? topic = null) => Serialize(new { type = "error", code, message, topic });

    public static string Heartbeat() => Serialize(new { type = "heartbeat", timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() });

    public static string Pong() => Serialize(new { type = "pong" });

    public static string Sent(string messageId, long timestamp, string? correlationId) => Serialize(new { type = "sent", messageId, timestamp, correlationId });

    private static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Json);
}
