namespace RealtimeSync.Outbox;

/// <summary>One outbox row the dispatcher set aside, as an operator sees it; collection and record id are null when the payload has none.</summary>
public sealed record SetAsideRow(long Seq, Guid EventId, string? Collection, string? RecordId, int Attempts, string? LastError, DateTimeOffset SetAsideAt);
