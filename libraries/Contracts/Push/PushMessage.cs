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
