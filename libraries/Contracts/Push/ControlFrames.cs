using System.Collections.Frozen;

namespace RealtimeSync.Contracts.Push;

/// <summary>
/// The one rule that tells a server frame apart (docs/architecture.md, the push protocol): a frame whose
/// <c>type</c> is one of these is a control frame; every other frame is a message, and carries
/// <c>topic</c>, <c>epoch</c> and <c>offset</c>. No message may take one of these types (send and
/// broadcast refuse them), so the rule never misleads.
/// </summary>
public static class ControlFrames
{
    public static readonly FrozenSet<string> Types = FrozenSet.Create(
        StringComparer.Ordinal, "welcome", "heartbeat", "subscribed", "unsubscribed", "pong", "resync", "error", "authenticated", "presence", "joined", "left", "sent");

    public static bool IsControl(string? type) => type is not null && Types.Contains(type);
}
