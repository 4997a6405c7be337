using System.Text.Json.Nodes;

namespace RealtimeSync.OdooIngest.Sync;

/// <summary>
/// One sync stream, as configuration (section <c>Ingest:Streams:{name}</c>): an Odoo model, its explicit
/// fields, an optional domain, its child relations, and the timing. Adding a model needs no code.
/// </summary>
public sealed class SyncStreamOptions
{
    public string Model { get; set; } = string.Empty;

    public List<string> Fields { get; set; } = [];

    /// <summary>An Odoo domain as JSON, e.g. <c>[["state","!=","cancel"]]</c>; empty for all records.</summary>
    public string Domain { get; set; } = "[]";

    public List<ChildRelation> Children { get; set; } = [];

    public int PageSize { get; set; } = 200;

    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How far before the watermark the overlap sweep (<see cref="OverlapSweepInterval"/>) looks again. write_date
    /// is a transaction's start time, so a transaction that commits late carries an older write_date: the overlap
    /// minus the sweep interval must exceed the longest Odoo transaction (plus clock skew). Re-reads are idempotent.
    /// </summary>
    public TimeSpan Overlap { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How far before the previous run's start each run reads in full: clock skew between Odoo and us, the
    /// whole-second rounding of write_date and an ordinary transaction's commit latency. Later commits are the sweep's.
    /// </summary>
    public TimeSpan RecentMargin { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How often a run also sweeps the whole overlap: ids and write_dates only, compared with the stored ones, and
    /// only records that differ read in full. A late commit is found within this (plus a run) of committing.
    /// </summary>
    public TimeSpan OverlapSweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often all Odoo ids are compared with the local ones to notice deletions (unlink leaves no trace).</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A run that takes longer is cancelled (and its watermark not advanced).</summary>
    public TimeSpan RunTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>What a parent read asks for: the stream's fields, write_date, and each child relation's ids.</summary>
    public List<string> ReadFields() => Fields.Append("write_date").Concat(Children.Select(child => child.Field)).Distinct().ToList();

    /// <summary>Why the stream's timing cannot work, or null: read at start, so a bad setting stops the service with its name.</summary>
    public string? TimingProblem(string stream)
    {
        var at = $"Ingest:Streams:{stream}";
        if (Interval <= TimeSpan.Zero)
        {
            return $"{at}:Interval must be longer than zero (it is {Interval}).";
        }

        if (RecentMargin < TimeSpan.Zero || RecentMargin > Overlap)
        {
            return $"{at}:RecentMargin ({RecentMargin}) must be between zero and the stream's Overlap ({Overlap}).";
        }

        return OverlapSweepInterval <= TimeSpan.Zero || OverlapSweepInterval >= Overlap
            ? $"{at}:OverlapSweepInterval ({OverlapSweepInterval}) must be longer than zero and shorter than Overlap ({Overlap}): a late commit is found only if its transaction lasted less than their difference."
            : null;
    }

    public JsonArray ParsedDomain() => JsonNode.Parse(Domain) as JsonArray ?? throw new InvalidOperationException($"Domain of {Model} is not a JSON array: {Domain}");
}

/// <summary>A one2many of the stream's model, synced with its parent: e.g. purchase.order's order_line.</summary>
public sealed class ChildRelation
{
    public string Field { get; set; } = string.Empty;

    public string Model { get; set; } = string.Empty;

    /// <summary>The child's many2one back to the parent (order_id).</summary>
    public string Inverse { get; set; } = string.Empty;

    public List<string> Fields { get; set; } = [];

    /// <summary>What a child read asks for: its fields, write_date, and the link to its parent.</summary>
    public List<string> ReadFields() => Fields.Append("write_date").Append(Inverse).Distinct().ToList();
}

public sealed class IngestOptions
{
    public Dictionary<string, SyncStreamOptions> Streams { get; set; } = [];

    public RunHistoryOptions RunHistory { get; set; } = new();
}

/// <summary>
/// Where a window scan stands: when its first run started (the watermark it sets once complete), the
/// window's start (null: the whole model) and the last id stored.
/// </summary>
public sealed record ScanPosition(DateTimeOffset StartedAt, DateTimeOffset? From, int AfterId);
