namespace RealtimeSync.PushLog;

/// <summary>
/// One message to append to each of <paramref name="Topics"/>. <paramref name="Body"/> is the rest of the message as a
/// compact serialized JSON object (the envelope, topic, offset and epoch, goes in front); with an <paramref name="EventId"/>,
/// a second append of the same event is dropped. <paramref name="TraceParent"/> (W3C) travels with the published copy only.
/// </summary>
public sealed record TopicAppend(string? EventId, IReadOnlyList<string> Topics, string Body, string? TraceParent = null);
