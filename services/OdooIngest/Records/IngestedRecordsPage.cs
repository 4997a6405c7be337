using System.Text.Json.Nodes;

namespace RealtimeSync.OdooIngest.Records;

/// <summary>A page of a model's synced records, newest Odoo id first; <c>next</c> is the <c>before</c> of the next page, null on the last.</summary>
public sealed record IngestedRecordsPage(string Model, IReadOnlyList<IngestedRecord> Items, int? Next);

/// <summary>One synced record: its Odoo id, its version in odoo-ingest, Odoo's write_date and its fields as stored.</summary>
public sealed record IngestedRecord(string Id, long Version, string? WriteDate, JsonObject Data);
