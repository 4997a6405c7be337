using RealtimeSync.MergeApi.Collections;

namespace RealtimeSync.MergeApi.Records;

/// <summary>The one entry for writes, single or batched: finds each write's collection rules, then lets the store apply them in one transaction.</summary>
public sealed class RecordWriter(CollectionCatalog catalog, RecordStore store)
{
    public async Task<WriteOutcome> WriteAsync(RecordWrite write, CancellationToken cancellationToken) => (await WriteManyAsync([write], cancellationToken))[0];

    /// <summary>The writes in the order given; one outcome each, in the same order.</summary>
    public async Task<IReadOnlyList<WriteOutcome>> WriteManyAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken)
    {
        var outcomes = new WriteOutcome[writes.Count];
        var known = new List<(RecordWrite Write, CollectionDefinition Definition)>(writes.Count);
        var positions = new List<int>(writes.Count);
        for (var i = 0; i < writes.Count; i++)
        {
            if (catalog.Find(writes[i].Collection) is { } definition)
            {
                known.Add((writes[i], definition));
                positions.Add(i);
            }
            else
            {
                outcomes[i] = new WriteOutcome(WriteStatus.UnknownCollection,
                    Detail: $"'{writes[i].Collection}' is not declared; known collections: {string.Join(", ", catalog.Names)}. Declare it under MergeApi:Collections.");
            }
        }

        var stored = known.Count == 0 ? [] : await store.WriteManyAsync(known, cancellationToken);
        for (var i = 0; i < stored.Count; i++)
        {
            outcomes[positions[i]] = stored[i];
        }

        return outcomes;
    }
}
