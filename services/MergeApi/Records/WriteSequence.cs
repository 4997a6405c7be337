using System.Text.Json.Nodes;
using RealtimeSync.Contracts;
using RealtimeSync.MergeApi.Collections;
using RealtimeSync.MergeApi.Merging;

namespace RealtimeSync.MergeApi.Records;

/// <summary>
/// The writes of one transaction, applied in the order given to the records as they were read (locked), each write
/// seeing the ones before it: a second save of a record merges onto the first, a precondition is checked against the
/// version the first produced. A write that is refused (a precondition, a rule, a no-op) changes nothing and the
/// others go on. Versions are handed out in order from the collection's last one, which the transaction holds locked,
/// so versions follow commit order. Nothing here touches the database but <see cref="SnapshotLookup"/>.
/// </summary>
internal sealed class WriteSequence(Dictionary<(string Collection, string Id), StoredRecord?> records, Dictionary<string, long> versions, TimeProvider clock)
{
    /// <summary>The record at a version it had before this transaction, from its history (null if none).</summary>
    public delegate Task<JsonObject?> SnapshotLookup(string collection, string id, long version);

    private readonly List<RecordChange> _changes = [];

    /// <summary>The changes to store, in the order they were made.</summary>
    public IReadOnlyList<RecordChange> Changes => _changes;

    /// <summary>The collections' last versions once every change is applied.</summary>
    public IReadOnlyDictionary<string, long> Versions => versions;

    /// <summary>Applies one write to the record <paramref name="id"/>, which the transaction has read and locked.</summary>
    public async Task<WriteOutcome> ApplyAsync(RecordWrite write, CollectionDefinition definition, string id, SnapshotLookup snapshot)
    {
        var current = records[(write.Collection, id)];
        if (await PreconditionAsync(write, id, current, snapshot) is { } failed)
        {
            return failed;
        }

        switch (write.Verb)
        {
            case WriteVerb.Post when current is not null:
                return new WriteOutcome(WriteStatus.AlreadyExists, current, Detail: $"'{id}' already exists in '{write.Collection}'; PUT or PATCH it.");
            case WriteVerb.Patch or WriteVerb.Delete when current is null:
                return new WriteOutcome(WriteStatus.NotFound, Detail: $"No record '{id}' in '{write.Collection}'.");
        }

        JsonObject? document = null;
        IReadOnlyList<string> ignored = [];
        if (write.Verb != WriteVerb.Delete)
        {
            var preserved = definition.PreservedFields.Concat(write.PreserveFields).ToHashSet(StringComparer.Ordinal);
            var input = write.Body!.DeepClone().AsObject();
            input.Remove(definition.Key);
            (var composed, ignored) = SmartMerge.Compose(write.Verb, current?.Data, input, preserved);
            document = composed;
            if (DocumentValidator.Validate(definition, composed) is { Count: > 0 } errors)
            {
                return new WriteOutcome(WriteStatus.Invalid, Errors: errors);
            }

            if (current is not null && SmartMerge.SameContent(current.Data, document))
            {
                return new WriteOutcome(WriteStatus.Unchanged, current, [], ignored);
            }

            SmartMerge.Stamp(document, current?.Data, write.Actor, clock.GetUtcNow());
        }

        var version = versions[write.Collection] = versions[write.Collection] + 1;
        var changed = document is null ? current!.Data.Select(pair => pair.Key).Order(StringComparer.Ordinal).ToList() : RecordDiff.ChangedFields(current?.Data, document);
        var stored = new StoredRecord(write.Collection, id, version, document ?? current!.Data);
        var operation = document is null ? ChangeOperation.Deleted : current is null ? ChangeOperation.Created : ChangeOperation.Updated;
        // Time-ordered event ids (UUIDv7): the outbox's unique index on them grows at its end, not at a random page per row.
        var change = new RecordChanged(
            Guid.CreateVersion7(clock.GetUtcNow()), "merge-api", write.Collection, id, version, operation, changed,
            document is null ? null : RecordDiff.Values(document, changed), write.Actor, write.OriginConnectionId, clock.GetUtcNow());
        _changes.Add(new RecordChange(stored, operation, write.Actor, changed, current?.Data, document, change));
        records[(write.Collection, id)] = document is null ? null : stored;

        var status = operation switch { ChangeOperation.Created => WriteStatus.Created, ChangeOperation.Deleted => WriteStatus.Deleted, _ => WriteStatus.Updated };
        return new WriteOutcome(status, stored, changed, ignored);
    }

    /// <summary>If-Match: <c>*</c> needs the record to exist; a version must be the current one, else 412 with what changed since.</summary>
    private async Task<WriteOutcome?> PreconditionAsync(RecordWrite write, string id, StoredRecord? current, SnapshotLookup snapshot)
    {
        if (write.IfMatch is null)
        {
            return null;
        }

        if (write.IfMatch == "*")
        {
            return current is null ? new WriteOutcome(WriteStatus.PreconditionFailed, Detail: "If-Match: * but the record does not exist.") : null;
        }

        var listed = StrongVersions(write.IfMatch);
        if (current is not null && listed.Contains(current.Version))
        {
            return null;
        }

        JsonObject? seen = null;
        if (listed.Count > 0)
        {
            var version = listed.Max();
            seen = _changes.LastOrDefault(change => change.Stored.Collection == write.Collection && change.Stored.Id == id && change.Stored.Version == version)?.After
                ?? await snapshot(write.Collection, id, version);
        }

        var changedSince = current is null ? [] : RecordDiff.ChangedFields(seen, current.Data).Where(field => !CollectionCatalog.ServerFields.Contains(field)).ToList();
        return new WriteOutcome(WriteStatus.PreconditionFailed, current, changedSince,
            Detail: current is null ? "The record no longer exists." : $"The record is at version {current.Version}, not {write.IfMatch}: someone else saved it meanwhile.");
    }

    /// <summary>The versions an If-Match list names (<c>"3", "4"</c>). RFC 9110 compares If-Match strongly, so a weak tag (<c>W/"3"</c>) matches nothing.</summary>
    private static List<long> StrongVersions(string ifMatch) => ifMatch.Split(',', StringSplitOptions.TrimEntries)
        .Where(tag => tag.Length > 2 && tag[0] == '"' && tag[^1] == '"')
        .Select(tag => long.TryParse(tag[1..^1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version) ? version : (long?)null)
        .OfType<long>().ToList();
}
