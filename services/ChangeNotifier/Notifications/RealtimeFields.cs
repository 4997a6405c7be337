using System.Text.Json.Nodes;

namespace RealtimeSync.ChangeNotifier.Notifications;

/// <summary>
/// Per collection (or Odoo model), what travels in a push message, as seed 002's <c>_get_realtime_fields</c>:
/// only <see cref="Fields"/> (all when empty); <see cref="Many2One"/> fields as <c>{id, display_name}</c>;
/// <see cref="FieldRoles"/> names the roles that may see a field (others get the message without it).
/// </summary>
public sealed class CollectionPushRules
{
    public List<string> Fields { get; set; } = [];

    public List<string> Many2One { get; set; } = [];

    public Dictionary<string, List<string>> FieldRoles { get; set; } = [];
}

public sealed class RealtimeOptions
{
    public Dictionary<string, CollectionPushRules> Collections { get; set; } = [];
}

/// <summary>Applies a collection's push rules to one change.</summary>
public static class RealtimeFields
{
    /// <summary>The changed fields that are real-time for this collection, in the order they changed.</summary>
    public static IReadOnlyList<string> Select(CollectionPushRules? rules, IReadOnlyList<string> changed) =>
        rules is null || rules.Fields.Count == 0 ? changed : changed.Where(rules.Fields.Contains).ToList();

    /// <summary>The values of <paramref name="fields"/>, many2one fields reshaped from Odoo's <c>[id, name]</c> (or <c>false</c>).</summary>
    public static JsonObject Values(CollectionPushRules? rules, JsonObject? values, IReadOnlyList<string> fields)
    {
        var shaped = new JsonObject();
        foreach (var field in fields)
        {
            var value = values?[field]?.DeepClone();
            shaped[field] = rules?.Many2One.Contains(field) == true ? Many2One(value) : value;
        }

        return shaped;
    }

    /// <summary>Which of <paramref name="fields"/> are restricted, and to which roles; empty when all may see all.</summary>
    public static JsonObject Restrictions(CollectionPushRules? rules, IEnumerable<string> fields)
    {
        var restricted = new JsonObject();
        foreach (var field in fields)
        {
            if (rules?.FieldRoles.TryGetValue(field, out var roles) == true && roles.Count > 0)
            {
                restricted[field] = new JsonArray(roles.Select(role => (JsonNode?)role).ToArray());
            }
        }

        return restricted;
    }

    private static JsonNode? Many2One(JsonNode? value) => value switch
    {
        JsonArray { Count: 2 } pair => new JsonObject { ["id"] = pair[0]?.DeepClone(), ["display_name"] = pair[1]?.DeepClone() },
        JsonValue flag when flag.TryGetValue<bool>(out var isSet) && !isSet => null,
        _ => value,
    };
}
