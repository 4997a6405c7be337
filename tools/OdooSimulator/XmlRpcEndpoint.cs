using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace RealtimeSync.OdooSimulator;

/// <summary>
/// Odoo's XML-RPC API: <c>/xmlrpc/2/common</c> (version, authenticate, login) and <c>/xmlrpc/2/object</c>
/// (execute_kw). Values follow Python's xmlrpc.client as Odoo uses it: 32-bit <c>int</c>, no <c>nil</c>
/// (None cannot be marshalled), errors as faults with codes.
/// </summary>
public static class XmlRpcEndpoint
{
    public static async Task HandleAsync(HttpContext http, OdooService service, string endpoint)
    {
        JsonNode? result;
        try
        {
            var call = XDocument.Parse(await new StreamReader(http.Request.Body).ReadToEndAsync());
            var method = call.Root!.Element("methodName")!.Value;
            var args = call.Root.Element("params")?.Elements("param").Select(param => Parse(param.Element("value")!)).ToList() ?? [];
            result = endpoint == "common" ? Common(service, method, args) : Object(service, method, args);
        }
        catch (OdooFault fault)
        {
            await WriteAsync(http, Fault(fault.Code, fault.Message));
            return;
        }
        catch (Exception ex) when (ex is System.Xml.XmlException or NullReferenceException or InvalidOperationException or FormatException)
        {
            await WriteAsync(http, Fault(1, "Traceback (most recent call last):\n  ...\n" + ex.Message));
            return;
        }

        await WriteAsync(http, new XElement("methodResponse", new XElement("params", new XElement("param", Value(result)))));
    }

    private static JsonNode? Common(OdooService service, string method, List<JsonNode?> args) => method switch
    {
        "version" => OdooService.Version(),
        "authenticate" or "login" => service.Authenticate((string)args[0]!, (string)args[1]!, (string)args[2]!) is { } uid ? uid : false,
        _ => throw new OdooFault(1, $"Method not found: {method}"),
    };

    private static JsonNode? Object(OdooService service, string method, List<JsonNode?> args)
    {
        if (method != "execute_kw")
        {
            throw new OdooFault(1, $"Method not found: {method}");
        }

        service.CheckDatabase((string)args[0]!);
        if ((int)args[1]! != service.User.Uid || !service.IsSecret((string)args[2]!))
        {
            throw new OdooFault(3, "Access Denied");
        }

        var model = (string)args[3]!;
        var method2 = (string)args[4]!;
        var positional = args.Count > 5 ? args[5] as JsonArray ?? [] : [];
        var named = args.Count > 6 ? args[6]?.DeepClone() as JsonObject ?? [] : [];
        string[] order = method2 switch
        {
            "search_read" or "search" or "search_count" => ["domain", "fields", "offset", "limit", "order"],
            "read" => ["ids", "fields"],
            "write" => ["ids", "vals"],
            "unlink" => ["ids"],
            "create" => ["vals_list"],
            "get_param" => ["key"],
            _ => [],
        };
        if (method2 == "search" && positional.Count > 1)
        {
            order = ["domain", "offset", "limit", "order"];
        }

        for (var index = 0; index < positional.Count && index < order.Length; index++)
        {
            named[order[index]] = positional[index]?.DeepClone();
        }

        return service.Call(model, method2, named);
    }

    private static JsonNode? Parse(XElement value)
    {
        var typed = value.Elements().FirstOrDefault();
        if (typed is null)
        {
            return value.Value; // a bare value is a string
        }

        return typed.Name.LocalName switch
        {
            "int" or "i4" => int.Parse(typed.Value, CultureInfo.InvariantCulture),
            "i8" => long.Parse(typed.Value, CultureInfo.InvariantCulture),
            "boolean" => typed.Value.Trim() == "1",
            "double" => double.Parse(typed.Value, CultureInfo.InvariantCulture),
            "string" or "dateTime.iso8601" => typed.Value,
            "nil" => null,
            "array" => new JsonArray(typed.Element("data")!.Elements("value").Select(Parse).ToArray()),
            "struct" => new JsonObject(typed.Elements("member").Select(member => KeyValuePair.Create(member.Element("name")!.Value, Parse(member.Element("value")!)))),
            var other => throw new FormatException($"unknown XML-RPC type {other}"),
        };
    }

    private static XElement Value(JsonNode? node) => new("value", node switch
    {
        null => throw new OdooFault(1, "TypeError: cannot marshal None unless allow_none is enabled"),
        JsonArray array => new XElement("array", new XElement("data", array.Select(Value))),
        JsonObject obj => new XElement("struct", obj.Select(pair => new XElement("member", new XElement("name", pair.Key), Value(pair.Value)))),
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.True => new XElement("boolean", "1"),
            JsonValueKind.False => new XElement("boolean", "0"),
            JsonValueKind.String => new XElement("string", (string)value!),
            JsonValueKind.Number when long.TryParse(value.ToJsonString(), CultureInfo.InvariantCulture, out var whole) =>
                whole is >= int.MinValue and <= int.MaxValue ? new XElement("int", whole) : throw new OdooFault(1, "OverflowError: int exceeds XML-RPC limits"),
            JsonValueKind.Number => new XElement("double", double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture)),
            _ => throw new OdooFault(1, "TypeError: cannot marshal None unless allow_none is enabled"),
        },
        _ => throw new OdooFault(1, "cannot marshal"),
    });

    private static XElement Fault(int code, string message) =>
        new("methodResponse", new XElement("fault", Value(new JsonObject { ["faultCode"] = code, ["faultString"] = message })));

    private static async Task WriteAsync(HttpContext http, XElement response)
    {
        http.Response.ContentType = "text/xml; charset=utf-8";
        await http.Response.WriteAsync("<?xml version='1.0'?>\n" + response.ToString(SaveOptions.DisableFormatting), Encoding.UTF8);
    }
}
