using System.Text.Json.Nodes;
using RealtimeSync.MergeApi.Merging;

namespace RealtimeSync.MergeApi.Records;

/// <summary>One client write: what, where, on which version, preserving what, by whom, from which push connection.</summary>
public sealed record RecordWrite(
    WriteVerb Verb,
    string Collection,
    string? Id,
    JsonObject? Body,
    string? IfMatch,
    IReadOnlyList<string> PreserveFields,
    string? Actor,
    string? OriginConnectionId);

public enum WriteStatus
{
    Created,
    Updated,
    Unchanged,
    Deleted,
    NotFound,
    AlreadyExists,
    PreconditionFailed,
    Invalid,
    UnknownCollection,
}

public sealed record StoredRecord(string Collection, string Id, long Version, JsonObject Data);

/// <summary>
/// What a write did. On <see cref="WriteStatus.PreconditionFailed"/>, <see cref="Record"/> is the current record and
/// <see cref="ChangedFields"/> the fields changed since the version the client had (seed 002's conflict notice).
/// </summary>
public sealed record WriteOutcome(
    WriteStatus Status,
    StoredRecord? Record = null,
    IReadOnlyList<string>? ChangedFields = null,
    IReadOnlyList<string>? IgnoredFields = null,
    IReadOnlyDictionary<string, string[]>? Errors = null,
    string? Detail = null);
