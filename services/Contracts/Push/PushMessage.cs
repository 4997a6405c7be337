using System.Text.Json.Nodes;

namespace RealtimeSync.Contracts.Push;

/// <summary>
/// What a subscriber receives: one change on one topic. <see cref="Offset"/> is strictly increasing
/// per topic within an <see cref="Epoch"/>; a new epoch means the topic's history was lost and the
/// client must resync. Written by change-notifier, fanned out by every push-gateway instance.
/// </summary>
public sealed record PushMessage(
    string Topic,
    long Offset,
    string Epoch,
    string Type,
    JsonObject Payload,
    long Timestamp,
    string? EventId = null,
    string? Origin = null,
    string? Actor = null);

/// <summary>Redis names shared by the writer (change-notifier) and the readers (push-gateway).</summary>
public static class PushChannel
{
    /// <summary>Pub/sub channel every push-gateway instance listens on.</summary>
    public const string Name = "rs:push";

    public static string OffsetKey(string topic) => $"rs:topic:{{{topic}}}:offset";

    public static string EpochKey(string topic) => $"rs:topic:{{{topic}}}:epoch";

    /// <summary>Redis stream whose entry ids are <c>{offset}-0</c>, so replay from an offset is one XRANGE.</summary>
    public static string LogKey(string topic) => $"rs:topic:{{{topic}}}:log";
}
