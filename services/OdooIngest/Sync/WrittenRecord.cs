namespace RealtimeSync.OdooIngest.Sync;

/// <summary>A record a batch wrote (created or updated; an unchanged one is not written), and the parent it had before.</summary>
public sealed record WrittenRecord(string Model, int Id, RecordOutcome Outcome, int? Parent, int? FormerParent);
