namespace RealtimeSync.PushLog;

/// <summary>Where a topic stands: its epoch, its last offset, and when it last changed (Unix ms; 0 if never).</summary>
public sealed record TopicHead(string Topic, string? Epoch, long Offset, long ChangedAt);

/// <summary>One logged message: its offset and its JSON exactly as published.</summary>
public sealed record LoggedMessage(long Offset, string Json);

/// <summary>
/// The result of reading a topic after an offset. <see cref="HistoryGone"/> is true when messages the
/// reader needs were trimmed (count or age) or the epoch differs: the reader must resync, not resume.
/// </summary>
public sealed record TopicRead(TopicHead Head, IReadOnlyList<LoggedMessage> Messages, bool HistoryGone);
