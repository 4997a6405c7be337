using System.Globalization;
using System.Net.Mail;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RealtimeSync.MergeApi.Collections;

/// <summary>Checks a document against its collection's field types and required fields; names every field that is wrong and why.</summary>
public static class DocumentValidator
{
    public static Dictionary<string, string[]> Validate(CollectionDefinition definition, JsonObject document)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var field in definition.Required.Where(field => document[field] is null))
        {
            errors[field] = ["is required"];
        }

        foreach (var (field, type) in definition.Fields)
        {
            if (document[field] is { } value && !Matches(type, value))
            {
                errors[field] = [$"must be {Describe(type)}, not {Describe(value)}"];
            }
        }

        return errors;
    }

    private static bool Matches(string type, JsonNode value) => type switch
    {
        "string" => value.GetValueKind() == JsonValueKind.String,
        "email" => value.GetValueKind() == JsonValueKind.String && MailAddress.TryCreate((string)value!, out var address) && address.Address == (string)value!,
        "number" => value.GetValueKind() == JsonValueKind.Number,
        "integer" => value.GetValueKind() == JsonValueKind.Number && value.AsValue().TryGetValue<long>(out _),
        "boolean" => value.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
        "object" => value is JsonObject,
        "array" => value is JsonArray,
        "datetime" => value.GetValueKind() == JsonValueKind.String
                      && DateTimeOffset.TryParse((string)value!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _),
        _ => true,
    };

    private static string Describe(string type) => type switch
    {
        "email" => "an e-mail address",
        "datetime" => "an ISO 8601 date-time string",
        "integer" => "an integer",
        "object" => "an object",
        "array" => "an array",
        _ => "a " + type,
    };

    private static string Describe(JsonNode value) => value.GetValueKind() switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => value.GetValueKind().ToString().ToLowerInvariant(),
    };
}
