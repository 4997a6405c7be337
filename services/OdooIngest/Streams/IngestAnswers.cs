using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace RealtimeSync.OdooIngest.Streams;

/// <summary>Every configured stream (Ingest:Streams) and, once it has run, its state in Odoo's database.</summary>
public sealed record StreamsAnswer(IReadOnlyList<StreamView> Streams);

/// <summary>
/// One sync stream: its Odoo model and child relations, the Odoo database, whether an Odoo is configured and the stream
/// is running now, and its state (null before its first run). Its shape as the API document describes it.
/// </summary>
public sealed record StreamView(string Name, string Model, IReadOnlyList<string> Children, string OdooDatabase, bool Configured, bool Running, StreamStateRow? State);

/// <summary>
/// Seed 001's SyncState of a stream, column names as keys: its status, watermark (Odoo's <c>write_date</c> reached), lag,
/// the resumable scan's position, the last reconciliation and sweep, the last error and how many records failed.
/// </summary>
public sealed record StreamStateRow(
    [property: JsonPropertyName("stream")] string Stream,
    [property: JsonPropertyName("odoo_database")] string OdooDatabase,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("is_syncing")] bool IsSyncing,
    [property: JsonPropertyName("watermark")] DateTimeOffset? Watermark,
    [property: JsonPropertyName("odoo_uuid")] string? OdooUuid,
    [property: JsonPropertyName("protocol")] string? Protocol,
    [property: JsonPropertyName("last_error")] string? LastError,
    [property: JsonPropertyName("last_reconciled_at")] DateTimeOffset? LastReconciledAt,
    [property: JsonPropertyName("last_swept_at")] DateTimeOffset? LastSweptAt,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt,
    [property: JsonPropertyName("scan_started_at")] DateTimeOffset? ScanStartedAt,
    [property: JsonPropertyName("scan_from")] DateTimeOffset? ScanFrom,
    [property: JsonPropertyName("scan_after_id")] int? ScanAfterId,
    [property: JsonPropertyName("lag_seconds")] double? LagSeconds,
    [property: JsonPropertyName("failures")] long Failures);

/// <summary>A page of the run log, newest first; <c>next</c> is the <c>before</c> of the next (older) page, null on the last.</summary>
public sealed record RunsAnswer(IReadOnlyList<RunRow> Runs, long? Next);

/// <summary>
/// Seed 001's SyncLog entry of one run, column names as keys: its stream, protocol, start and end, status
/// (<c>running</c>, <c>succeeded</c>, <c>partial</c>, <c>failed</c>, <c>failed: credentials</c>, <c>blocked</c> or <c>abandoned</c>), the window it read in full, per-model counts,
/// what its overlap sweep did (null: none) and its errors (at most 100).
/// </summary>
public sealed record RunRow(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("stream")] string Stream,
    [property: JsonPropertyName("odoo_database")] string OdooDatabase,
    [property: JsonPropertyName("protocol")] string? Protocol,
    [property: JsonPropertyName("started_at")] DateTimeOffset StartedAt,
    [property: JsonPropertyName("finished_at")] DateTimeOffset? FinishedAt,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("window_kind")] string? WindowKind,
    [property: JsonPropertyName("counts")] JsonObject Counts,
    [property: JsonPropertyName("sweep")] JsonObject? Sweep,
    [property: JsonPropertyName("errors")] IReadOnlyList<string> Errors);

/// <summary>A run was asked for: it starts at once, or right after the run in progress (requests meanwhile are one run).</summary>
public sealed record RunAccepted(string Stream, bool Accepted);
