using Microsoft.Extensions.Options;

namespace RealtimeSync.MergeApi.Collections;

/// <summary>Finds a collection's rules by name (exact first, then the longest matching family prefix).</summary>
public sealed class CollectionCatalog(IOptionsMonitor<MergeApiOptions> options)
{
    /// <summary>Fields the server keeps on every record; a client never sets them.</summary>
    public static readonly string[] ServerFields = ["createdAt", "updatedAt", "updatedBy"];

    public CollectionDefinition? Find(string collection)
    {
        var collections = options.CurrentValue.Collections;
        if (collections.TryGetValue(collection, out var exact))
        {
            return exact;
        }

        return collections
            .Where(pair => pair.Key.EndsWith('*') && collection.StartsWith(pair.Key[..^1], StringComparison.Ordinal))
            .OrderByDescending(pair => pair.Key.Length)
            .Select(pair => pair.Value)
            .FirstOrDefault();
    }

    public IEnumerable<string> Names => options.CurrentValue.Collections.Keys.Order(StringComparer.Ordinal);
}
