using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace RealtimeSync.OdooIngest.Odoo;

/// <summary>Odoo's XML-RPC API (all versions; deprecated from 19): authenticate once, then execute_kw.</summary>
public sealed class XmlRpcOdooApi(OdooTransport transport) : IOdooApi
{
    private int? _uid;

    public string Protocol => "xmlrpc";

    private OdooOptions Options => transport.Options;

    private string Secret => Options.Password ?? Options.ApiKey ?? string.Empty;

    public async Task<JsonNode?> VersionAsync(CancellationToken cancellationToken) => await CallAsync("common", "version", [], cancellationToken);

    public async Task<JsonArray> SearchReadAsync(string model, JsonArray domain, IReadOnlyList<string> fields, int limit, string order, CancellationToken cancellationToken) =>
        Array(await ExecuteAsync(model, "search_read", Args(domain), Kwargs(fields, limit, order), cancellationToken));

    public async Task<IReadOnlyList<int>> SearchAsync(string model, JsonArray domain, int limit, string order, CancellationToken cancellationToken) =>
        Array(await ExecuteAsync(model, "search", Args(domain), Kwargs(null, limit, order), cancellationToken)).Select(id => (int)id!).ToList();

    public async Task<JsonArray> ReadAsync(string model, IReadOnlyList<int> ids, IReadOnlyList<string> fields, CancellationToken cancellationToken) =>
        Array(await ExecuteAsync(model, "read", [new JsonArray(ids.Select(id => (JsonNode?)id).ToArray())], Kwargs(fields, null, null), cancellationToken));

    public async Task<string?> DatabaseUuidAsync(CancellationToken cancellationToken) =>
        await ExecuteAsync("ir.config_parameter", "get_param", ["database.uuid"], [], cancellationToken) is JsonValue value && value.TryGetValue<string>(out var uuid) ? uuid : null;

    private async Task<JsonNode?> ExecuteAsync(string model, string method, JsonArray args, JsonObject kwargs, CancellationToken cancellationToken)
    {
        var uid = await UidAsync(cancellationToken);
        return await CallAsync("object", "execute_kw", [Options.Database, uid, Secret, model, method, args, kwargs], cancellationToken);
    }

    private async Task<int> UidAsync(CancellationToken cancellationToken)
    {
        if (_uid is { } known)
        {
            return known;
        }

        var uid = await CallAsync("common", "authenticate", [Options.Database, Options.Login, Secret, new JsonObject()], cancellationToken);
        _uid = uid is JsonValue value && value.TryGetValue<int>(out var number) ? number
            : throw new OdooApiException(OdooErrorKind.Credentials, $"Odoo rejected login '{Options.Login}' on database '{Options.Database}': check Odoo__Login and Odoo__Password (or Odoo__ApiKey)");
        return _uid.Value;
    }

    private async Task<JsonNode?> CallAsync(string endpoint, string method, JsonNode?[] parameters, CancellationToken cancellationToken)
    {
        var body = XmlRpcCodec.Call(method, parameters);
        var response = await transport.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, transport.Url($"xmlrpc/2/{endpoint}")) { Content = new StringContent(body, Encoding.UTF8, "text/xml") },
            // XML-RPC faults come inside a 200; any 5xx is an outage (a proxy, a crashed worker), never Odoo raising.
            (status, _) => status == HttpStatusCode.OK || (int)status >= 500 ? null : new OdooApiException(OdooErrorKind.Fault, $"XML-RPC call answered HTTP {(int)status}"),
            cancellationToken);
        return OdooTransport.Parse(response, XmlRpcCodec.Response);
    }

    /// <summary>
    /// A call's positional arguments, as copies: a JSON node belongs to one tree, and the caller's domain is
    /// sent again (a refused page is searched, then read by halves), so the request must never adopt it.
    /// </summary>
    private static JsonArray Args(params JsonNode?[] values) => new(values.Select(value => value?.DeepClone()).ToArray());

    private static JsonArray Array(JsonNode? answer) =>
        answer as JsonArray ?? throw new OdooApiException(OdooErrorKind.Fault, $"Odoo answered {answer?.ToJsonString() ?? "nothing"} where a list was expected");

    private static JsonObject Kwargs(IReadOnlyList<string>? fields, int? limit, string? order)
    {
        var kwargs = new JsonObject { ["context"] = OdooContext.WithArchived() };
        if (fields is not null)
        {
            kwargs["fields"] = new JsonArray(fields.Select(field => (JsonNode?)field).ToArray());
        }

        if (limit is { } count)
        {
            kwargs["limit"] = count;
        }

        if (order is not null)
        {
            kwargs["order"] = order;
        }

        return kwargs;
    }
}
