using System.Text.Json;
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

    /// <summary>
    /// Writes the values of <paramref name="fields"/> as one JSON object, many2one fields reshaped from Odoo's <c>[id, name]</c>
    /// (or <c>false</c>). Written straight from the change's values: nothing is copied into a tree of its own first.
    /// </summary>
    public static void WriteValues(Utf8JsonWriter writer, CollectionPushRules? rules, JsonObject? values, IReadOnlyList<string> fields)
    {
        writer.WriteStartObject();
        foreach (var field in fields)
        {
            writer.WritePropertyName(field);
            var value = values?[field];
            if (rules?.Many2One.Contains(field) == true)
            {
                WriteMany2One(writer, value);
            }
            else
            {
                Write(writer, value);
            }
        }

        writer.WriteEndObject();
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

    private static void WriteMany2One(Utf8JsonWriter writer, JsonNode? value)
    {
        switch (value)
        {
            case JsonArray { Count: 2 } pair:
                writer.WriteStartObject();
                writer.WritePropertyName("id");
                Write(writer, pair[0]);
                writer.WritePropertyName("display_name");
                Write(writer, pair[1]);
                writer.WriteEndObject();
                break;
            case JsonValue flag when flag.TryGetValue<bool>(out var isSet) && !isSet:
                writer.WriteNullValue();
                break;
            default:
                Write(writer, value);
                break;
        }
    }

    private static void Write(Utf8JsonWriter writer, JsonNode? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            value.WriteTo(writer);
        }
    }
}
