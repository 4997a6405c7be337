namespace RealtimeSync.OdooIngest.Sync;

/// <summary>
/// What a run starts from, as the stream's state holds it: the watermark, the Odoo database uuid it belongs
/// to, when ids were last reconciled, when the overlap was last swept and from where, and a window scan an earlier run left
/// unfinished (null if none).
/// </summary>
public sealed record StreamCheckpoint(DateTimeOffset? Watermark, string? OdooUuid, DateTimeOffset? LastReconciledAt, ScanPosition? Scan, DateTimeOffset? LastSweptAt = null, DateTimeOffset? LastSweptFrom = null);
