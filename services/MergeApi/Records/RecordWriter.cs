using RealtimeSync.MergeApi.Collections;

namespace RealtimeSync.MergeApi.Records;

/// <summary>The one entry for writes, single or batched: finds the collection's rules, then lets the store apply the write.</summary>
public sealed class RecordWriter(CollectionCatalog catalog, RecordStore store)
{
    public async Task<WriteOutcome> WriteAsync(RecordWrite write, CancellationToken cancellationToken) =>
        catalog.Find(write.Collection) is { } definition
            ? await store.WriteAsync(write, definition, cancellationToken)
            : new WriteOutcome(WriteStatus.UnknownCollection,
                Detail: $"'{write.Collection}' is not declared; known collections: {string.Join(", ", catalog.Names)}. Declare it under MergeApi:Collections.");
}
