namespace RealtimeSync.Bench.SideBySide.Load;

/// <summary>
/// One message as a subscriber received it (times on this process's Stopwatch). RealtimeSync's also say where they
/// stand in their topic and how long after merge-api's commit they arrived (wall clock, ms); the peers' have neither.
/// </summary>
internal readonly record struct Delivery(long Sequence, long SentAt, long ReceivedAt, string? Topic = null, long Offset = 0, double? CommitToReceiptMs = null);
