using RealtimeSync.OdooIngest.Odoo;

namespace RealtimeSync.OdooIngest.Sync;

/// <summary>What a run did: how it ended, its counts, its errors, and the kind of Odoo failure that stopped it, if one did.</summary>
public sealed record RunResult(RunStatus Status, RunCounts Counts, IReadOnlyList<string> Errors, OdooErrorKind? Error = null);
