using System.Text.Json.Nodes;
using RealtimeSync.Contracts;

namespace RealtimeSync.MergeApi.Records;

/// <summary>One change a write made: the record as stored, its history entry's facts, and its event.</summary>
internal sealed record RecordChange(
    StoredRecord Stored, ChangeOperation Operation, string? Actor, IReadOnlyList<string> Changed, JsonObject? Before, JsonObject? After, RecordChanged Event)
{
    public bool Deleted => Operation == ChangeOperation.Deleted;
}
