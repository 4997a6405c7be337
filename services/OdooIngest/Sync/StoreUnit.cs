namespace RealtimeSync.OdooIngest.Sync;

/// <summary>
/// What is stored, or fails, as one: a parent with its children (never stored incomplete), or a child read on its
/// own (<see cref="IsLoneChild"/>), stored only under a live stored parent.
/// </summary>
internal sealed record StoreUnit(IncomingRecord Head, IReadOnlyList<IncomingRecord> Children)
{
    public IEnumerable<IncomingRecord> Records => Children.Prepend(Head);

    public bool IsLoneChild => Head.ParentId is not null;
}
