namespace RealtimeSync.Contracts;

/// <summary>
/// Integration event: consecutive committed changes from one writer's outbox, in commit order. One bus message carries
/// a batch so the broker and the consumers pay per batch, not per change (a first Odoo sync commits 100 000 changes);
/// each change keeps its own trace.
/// </summary>
public sealed record RecordChanges(IReadOnlyList<TracedChange> Changes);
