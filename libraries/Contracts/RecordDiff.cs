using System.Text.Json.Nodes;

namespace RealtimeSync.Contracts;

/// <summary>Which top-level fields differ between two versions of a document, and their new values.</summary>
public static class RecordDiff
{
    public static IReadOnlyList<string> ChangedFields(JsonObject? before, JsonObject after)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        names.UnionWith(after.Select(pair => pair.Key));
        if (before is not null)
        {
            names.UnionWith(before.Select(pair => pair.Key));
        }

        return names.Where(name => !JsonNode.DeepEquals(before?[name], after[name])).ToList();
    }

    /// <summary>The new values of <paramref name="fields"/>; a removed field travels as null.</summary>
    public static JsonObject Values(JsonObject after, IEnumerable<string> fields)
    {
        var values = new JsonObject();
        foreach (var field in fields)
        {
            values[field] = after[field]?.DeepClone();
        }

        return values;
    }
}
