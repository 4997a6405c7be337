using System.Text.Json.Nodes;

namespace RealtimeSync.Contracts;

/// <summary>
/// One committed change to one record, from any source (merge-api, odoo-ingest); it travels in a <see cref="RecordChanges"/> batch.
/// Carries the new values of the changed fields so that consumers never read back from the writer.
/// </summary>
/// <param name="EventId">Unique per committed change; redeliveries keep it, so consumers deduplicate by it.</param>
/// <param name="Source">Which writer committed it: <c>merge-api</c> or <c>odoo-ingest</c>.</param>
/// <param name="Collection">The collection (or Odoo model) the record belongs to, e.g. <c>settings</c>.</param>
/// <param name="RecordId">The record's key inside its collection.</param>
/// <param name="Version">The record's version after the change; strictly increasing per record.</param>
/// <param name="Operation">What happened to the record.</param>
/// <param name="ChangedFields">Names of the fields whose values changed.</param>
/// <param name="Values">New values of <paramref name="ChangedFields"/> (absent for a delete).</param>
/// <param name="Actor">Who made the change (user id), when known.</param>
/// <param name="OriginConnectionId">The push connection that made the change, so it is not echoed back to it.</param>
/// <param name="OccurredAt">Commit time.</param>
public sealed record RecordChanged(
    Guid EventId,
    string Source,
    string Collection,
    string RecordId,
    long Version,
    ChangeOperation Operation,
    IReadOnlyList<string> ChangedFields,
    JsonObject? Values,
    string? Actor,
    string? OriginConnectionId,
    DateTimeOffset OccurredAt);

public enum ChangeOperation
{
    Created,
    Updated,
    Deleted,
    Archived,
}
