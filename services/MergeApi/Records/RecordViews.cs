using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;

namespace RealtimeSync.MergeApi.Records;

/// <summary>A record as read: its collection, id, version (also its <c>ETag</c>) and fields.</summary>
public sealed record RecordView(string Collection, string Id, long Version, JsonObject Data);

/// <summary>What changed in a collection after a version, in version order: pass <c>nextSince</c> as <c>since</c> while <c>hasMore</c>.</summary>
public sealed record RecordPage(string Collection, IReadOnlyList<RecordPageItem> Items, long NextSince, bool HasMore);

/// <summary>One record of a page: its version now and its fields, or a tombstone (<c>deleted</c>, no data) if it was deleted.</summary>
public sealed record RecordPageItem(string Id, long Version, bool Deleted, JsonObject? Data);

/// <summary>A page of one record's changes, oldest first; <c>nextSince</c> is the next page's <c>since</c> while <c>hasMore</c>.</summary>
public sealed record RecordHistoryView(string Collection, string Id, IReadOnlyList<HistoryEntry> Entries, long NextSince, bool HasMore);

/// <summary>
/// A write's result: the record's version now, <c>status</c> (<c>created</c>, <c>updated</c>, <c>unchanged</c> or
/// <c>deleted</c>), the fields it changed, the input fields it ignored (preserved and server fields) and the stored
/// fields (null once deleted).
/// </summary>
public sealed record WrittenRecord(
    string Collection, string Id, long Version, string Status, IReadOnlyList<string> ChangedFields, IReadOnlyList<string> IgnoredFields, JsonObject? Data);

/// <summary>
/// The 412 of a write whose <c>If-Match</c> names an older version (seed 002's conflict notice): the record as it is
/// now and the fields changed since the version the client had, so it can merge and save again with the new version.
/// </summary>
public sealed class EditConflictProblem : ProblemDetails
{
    /// <summary>The record's version now (null when it no longer exists): send it as <c>If-Match</c> on the next try.</summary>
    public long? CurrentVersion { get; init; }

    /// <summary>The record's fields now (null when it no longer exists).</summary>
    public JsonObject? Current { get; init; }

    /// <summary>The fields someone else changed since the version in <c>If-Match</c>.</summary>
    public IReadOnlyList<string> ChangedFields { get; init; } = [];
}

/// <summary>Many writes in one request, applied in order, each on its own (seed 003's <c>queueSync</c>).</summary>
public sealed record BatchRequest(IReadOnlyList<BatchOperation> Operations);

/// <summary>
/// One write of a batch, as its single request would say it: <c>method</c> (POST, PUT, PATCH or DELETE), the
/// record's collection and id (not for POST, which takes it from the body's key field), the body (not for DELETE; a
/// PATCH body is a merge patch), <c>ifMatch</c> and <c>preserveFields</c>.
/// </summary>
public sealed record BatchOperation(string Method, string Collection, string? Id, JsonObject? Body, string? IfMatch, IReadOnlyList<string>? PreserveFields);

/// <summary>One result per operation, in the order given.</summary>
public sealed record BatchAnswer(IReadOnlyList<BatchResult> Results);

/// <summary>
/// An operation's outcome: the status its single request would have answered and its body, a
/// <see cref="WrittenRecord"/> on 200/201, problem details (<c>title</c>, <c>detail</c>, <c>errors</c>, …) otherwise.
/// </summary>
public sealed record BatchResult(int Index, int Status, JsonObject Result);
