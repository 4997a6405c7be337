using System.Text.Json.Nodes;
using RealtimeSync.MergeApi.Collections;

namespace RealtimeSync.MergeApi.Merging;

/// <summary>How a client write changes a record.</summary>
public enum WriteVerb
{
    Post,
    Put,
    Patch,
    Delete,
}

/// <summary>
/// Seed 003's smart merge, made a rule of the server: the new document is built from the client's input and
/// the stored record, and fields the client may not change (server fields always; the collection's and the
/// request's preserved fields once the record exists) keep their stored values whatever the verb.
/// </summary>
public static class SmartMerge
{
    /// <summary>The document a write produces, and the protected fields it tried (and failed) to change.</summary>
    public static (JsonObject Document, IReadOnlyList<string> Ignored) Compose(WriteVerb verb, JsonObject? current, JsonObject input, IReadOnlySet<string> preserved)
    {
        var protectedFields = new HashSet<string>(CollectionCatalog.ServerFields, StringComparer.Ordinal);
        if (current is not null)
        {
            protectedFields.UnionWith(preserved);
        }

        var ignored = input
            .Where(pair => protectedFields.Contains(pair.Key) && !JsonNode.DeepEquals(pair.Value, current?[pair.Key]))
            .Select(pair => pair.Key)
            .Order(StringComparer.Ordinal)
            .ToList();
        var editable = new JsonObject(input.Where(pair => !protectedFields.Contains(pair.Key)).Select(pair => KeyValuePair.Create(pair.Key, pair.Value?.DeepClone())));

        var document = verb == WriteVerb.Patch && current is not null
            ? (JsonObject)MergePatch.Apply(current, editable)!
            : editable;
        if (current is not null && verb != WriteVerb.Patch)
        {
            foreach (var field in protectedFields.Where(current.ContainsKey))
            {
                document[field] = current[field]?.DeepClone();
            }
        }

        return (document, ignored);
    }

    /// <summary>True when two documents hold the same data, ignoring the fields the server keeps (a no-op write).</summary>
    public static bool SameContent(JsonObject stored, JsonObject candidate) =>
        JsonNode.DeepEquals(WithoutServerFields(stored), WithoutServerFields(candidate));

    /// <summary>Sets createdAt (once), updatedAt and updatedBy.</summary>
    public static void Stamp(JsonObject document, JsonObject? current, string? actor, DateTimeOffset now)
    {
        document["createdAt"] = current?["createdAt"]?.DeepClone() ?? now.ToString("O");
        document["updatedAt"] = now.ToString("O");
        document["updatedBy"] = actor;
    }

    private static JsonObject WithoutServerFields(JsonObject document) =>
        new(document.Where(pair => !CollectionCatalog.ServerFields.Contains(pair.Key)).Select(pair => KeyValuePair.Create(pair.Key, pair.Value?.DeepClone())));
}
