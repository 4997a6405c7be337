using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RealtimeSync.Contracts.Documents;

/// <summary>
/// The one limit on what a stored or pushed document may look like, checked where input enters
/// (merge-api's writes, odoo-ingest's stored records, push-gateway's send and broadcast), so that every
/// later stage (the event, its JSON serialization, the Redis message, a client's frame) can always carry it.
/// </summary>
public static class DocumentShape
{
    /// <summary>
    /// Nesting depth a document may have. The event and the push frame each wrap it in a few levels, and
    /// System.Text.Json refuses more than 64, so this leaves room for every envelope with margin to spare.
    /// </summary>
    public const int MaxDepth = 32;

    /// <summary>Why a name holding a lone surrogate escape (which System.Text.Json cannot decode) is refused.</summary>
    public const string LoneSurrogateInName = "a property name is not valid UTF-16 text (a lone surrogate escape such as \\ud800)";

    /// <summary>Why <paramref name="node"/> cannot be stored as text (400), or null: a lone surrogate or a NUL in a name or a string, or a number no double holds.</summary>
    public static string? UnstorableText(JsonNode? node)
    {
        try
        {
            return FirstUnstorable(node);
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json refuses to decode a name or string holding a lone surrogate escape.
            return "a name or string is not valid UTF-16 text (a lone surrogate escape such as \\ud800)";
        }
    }

    private static string? FirstUnstorable(JsonNode? node) => node switch
    {
        JsonObject obj => obj.Select(pair => NameProblem(pair.Key) ?? FirstUnstorable(pair.Value)).FirstOrDefault(reason => reason is not null),
        JsonArray array => array.Select(FirstUnstorable).FirstOrDefault(reason => reason is not null),
        JsonValue value => ValueProblem(value),
        _ => null,
    };

    /// <summary>How deep <paramref name="node"/> nests: a scalar is 0, an object or array one more than its deepest member.</summary>
    public static int Depth(JsonNode? node) => node switch
    {
        JsonObject obj => 1 + obj.Select(pair => Depth(pair.Value)).DefaultIfEmpty(0).Max(),
        JsonArray array => 1 + array.Select(Depth).DefaultIfEmpty(0).Max(),
        _ => 0,
    };

    /// <summary>
    /// Why <paramref name="node"/> breaks the shape limit (422), or null; <paramref name="envelopeDepth"/> is how
    /// many levels a request wraps around its documents (a batch: 3), so the limit stays the document's.
    /// </summary>
    public static string? ShapeProblem(JsonNode? node, int envelopeDepth = 0) =>
        Depth(node) > MaxDepth + envelopeDepth ? $"A document nests deeper than {MaxDepth} levels, the limit for every stored or pushed document." : null;

    private static string? NameProblem(string name) =>
        name.Contains('\0') ? $"the property name '{name.Replace("\0", "\\u0000")}' contains a NUL character"
        : HasLoneSurrogate(name) ? LoneSurrogateInName
        : null;

    private static string? ValueProblem(JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                var text = value.GetValue<string>();
                return text.Contains('\0') ? "a string contains a NUL character (\\u0000)"
                    : HasLoneSurrogate(text) ? "a string is not valid UTF-16 text (a lone surrogate escape such as \\ud800)"
                    : null;
            case JsonValueKind.Number:
                var number = value.ToJsonString();
                return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed)
                    ? null
                    : $"the number {(number.Length > 40 ? number[..40] + "…" : number)} is outside what a double (and so every reader) can hold";
            default:
                return null;
        }
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }
}
