using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace RealtimeSync.OdooIngest.Odoo;

/// <summary>XML-RPC as Python's xmlrpc.client speaks it (Odoo's server side): 32-bit ints, no nil, faults with codes.</summary>
public static class XmlRpcCodec
{
    public static string Call(string method, params JsonNode?[] parameters) =>
        "<?xml version=\"1.0\"?>" + new XElement("methodCall",
            new XElement("methodName", method),
            new XElement("params", parameters.Select(parameter => new XElement("param", Value(parameter))))).ToString(SaveOptions.DisableFormatting);

    /// <summary>The response's value, or an <see cref="OdooApiException"/> carrying the fault's code and string.</summary>
    public static JsonNode? Response(string xml)
    {
        var root = XDocument.Parse(xml).Root ?? throw new FormatException("empty XML-RPC response");
        if (root.Element("fault")?.Element("value") is { } fault)
        {
            var detail = Parse(fault) as JsonObject;
            var code = detail?["faultCode"] is JsonValue value && value.TryGetValue<int>(out var number) ? number : 1;
            var text = (string?)detail?["faultString"] ?? "fault";
            throw new OdooApiException(code == 3 || text.Contains("Access Denied", StringComparison.Ordinal) ? OdooErrorKind.Credentials : OdooErrorKind.Fault,
                $"Odoo fault {code}: {LastLine(text)}", code);
        }

        return Parse(root.Element("params")?.Element("param")?.Element("value") ?? throw new FormatException("XML-RPC response without a value"));
    }

    private static XElement Value(JsonNode? node) => new("value", node switch
    {
        null => throw new ArgumentException("XML-RPC cannot carry null (Odoo's server has no allow_none); send false."),
        JsonArray array => new XElement("array", new XElement("data", array.Select(Value))),
        JsonObject obj => new XElement("struct", obj.Select(pair => new XElement("member", new XElement("name", pair.Key), Value(pair.Value)))),
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.True => new XElement("boolean", "1"),
            JsonValueKind.False => new XElement("boolean", "0"),
            JsonValueKind.String => new XElement("string", (string)value!),
            // The JSON text, not the CLR type behind the node: an int-backed value is no long or double to JsonValue.
            JsonValueKind.Number when long.TryParse(value.ToJsonString(), CultureInfo.InvariantCulture, out var whole) => whole is >= int.MinValue and <= int.MaxValue
                ? new XElement("int", whole)
                : throw new ArgumentException($"{whole} does not fit XML-RPC's 32-bit int"),
            JsonValueKind.Number => new XElement("double", double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture)),
            var kind => throw new ArgumentException($"cannot send {kind} over XML-RPC"),
        },
        _ => throw new ArgumentException("cannot send that over XML-RPC"),
    });

    private static JsonNode? Parse(XElement value)
    {
        var typed = value.Elements().FirstOrDefault();
        if (typed is null)
        {
            return value.Value;
        }

        return typed.Name.LocalName switch
        {
            "int" or "i4" => int.Parse(typed.Value.Trim(), CultureInfo.InvariantCulture),
            "i8" => long.Parse(typed.Value.Trim(), CultureInfo.InvariantCulture),
            "boolean" => typed.Value.Trim() == "1",
            "double" => double.Parse(typed.Value.Trim(), CultureInfo.InvariantCulture),
            "string" or "dateTime.iso8601" or "base64" => typed.Value,
            "nil" => null,
            "array" => new JsonArray((typed.Element("data")?.Elements("value") ?? []).Select(Parse).ToArray()),
            "struct" => new JsonObject(typed.Elements("member").Select(member => KeyValuePair.Create(member.Element("name")!.Value, Parse(member.Element("value")!)))),
            var other => throw new FormatException($"unknown XML-RPC type '{other}'"),
        };
    }

    /// <summary>A fault string may be a whole traceback; the exception's message is its last line.</summary>
    private static string LastLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? text;
}
