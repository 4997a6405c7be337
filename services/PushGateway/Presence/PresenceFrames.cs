namespace RealtimeSync.PushGateway.Presence;

/// <summary>
/// The <c>presence</c> control frame: <c>{"type":"presence","topic","event":"snapshot","members":[…]}</c> built here, and
/// <c>join</c>, <c>update</c> and <c>leave</c> events built by <see cref="PresenceStore"/>'s scripts with the same opening,
/// which lets an instance route an event by its topic without parsing it. Topics need no JSON escapes (their grammar).
/// </summary>
public static class PresenceFrames
{
    public const string Opening = "{\"type\":\"presence\",\"topic\":\"";

    public static string Snapshot(string topic, IEnumerable<string> members) =>
        $"{Opening}{topic}\",\"event\":\"snapshot\",\"members\":[{string.Join(',', members)}]}}";

    /// <summary>The topic of a presence event, or null when the text is not one.</summary>
    public static string? TopicOf(string frame)
    {
        if (!frame.StartsWith(Opening, StringComparison.Ordinal))
        {
            return null;
        }

        var end = frame.IndexOf('"', Opening.Length);
        return end > Opening.Length ? frame[Opening.Length..end] : null;
    }
}
