using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace RealtimeSync.OdooIngest.Odoo;

/// <summary>Odoo 19's JSON-2 API: <c>POST /json/2/&lt;model&gt;/&lt;method&gt;</c>, bearer API key, named parameters, HTTP status codes for errors.</summary>
public sealed class Json2OdooApi(OdooTransport transport) : IOdooApi
{
    public string Protocol => "json2";

    public async Task<JsonArray> SearchReadAsync(string model, JsonArray domain, IReadOnlyList<string> fields, int limit, string order, CancellationToken cancellationToken) =>
        Array(await CallAsync(model, "search_read", new JsonObject
        {
            ["domain"] = domain.DeepClone(),
            ["fields"] = Names(fields),
            ["limit"] = limit,
            ["order"] = order,
            ["context"] = OdooContext.WithArchived(),
        }, cancellationToken));

    public async Task<IReadOnlyList<int>> SearchAsync(string model, JsonArray domain, int limit, string order, CancellationToken cancellationToken) =>
        ((JsonArray)(await CallAsync(model, "search", new JsonObject
        {
            ["domain"] = domain.DeepClone(),
            ["limit"] = limit,
            ["order"] = order,
            ["context"] = OdooContext.WithArchived(),
        }, cancellationToken))!).Select(id => (int)id!).ToList();

    public async Task<JsonArray> ReadAsync(string model, IReadOnlyList<int> ids, IReadOnlyList<string> fields, CancellationToken cancellationToken) =>
        Array(await CallAsync(model, "read", new JsonObject
        {
            ["ids"] = new JsonArray(ids.Select(id => (JsonNode?)id).ToArray()),
            ["fields"] = Names(fields),
            ["context"] = OdooContext.WithArchived(),
        }, cancellationToken));

    public async Task<string?> DatabaseUuidAsync(CancellationToken cancellationToken) =>
        await CallAsync("ir.config_parameter", "get_param", new JsonObject { ["key"] = "database.uuid" }, cancellationToken) is JsonValue value && value.TryGetValue<string>(out var uuid) ? uuid : null;

    private async Task<JsonNode?> CallAsync(string model, string method, JsonObject parameters, CancellationToken cancellationToken)
    {
        var options = transport.Options;
        var body = parameters.ToJsonString();
        var request = new HttpRequestMessage(HttpMethod.Post, transport.Url($"json/2/{model}/{method}")) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("bearer", options.ApiKey);
        request.Headers.Add("X-Odoo-Database", options.Database);
        var response = await transport.SendAsync(request, Classify, cancellationToken);
        return OdooTransport.Parse(response, body => JsonNode.Parse(body));
    }

    private static JsonArray Array(JsonNode? answer) =>
        answer as JsonArray ?? throw new OdooApiException(OdooErrorKind.Fault, $"Odoo answered {answer?.ToJsonString() ?? "nothing"} where a list was expected");

    private static OdooApiException? Classify(HttpStatusCode status, string body)
    {
        if (status == HttpStatusCode.OK)
        {
            return null;
        }

        var message = OdooTransport.Parse(body, text => (JsonNode.Parse(text) as JsonObject)?["message"]?.ToString() ?? text);
        return status == HttpStatusCode.Unauthorized
            ? new OdooApiException(OdooErrorKind.Credentials, $"Odoo rejected the API key (401): check Odoo__ApiKey. {message}")
            : new OdooApiException(OdooErrorKind.Fault, $"Odoo answered {(int)status}: {message}", status switch { HttpStatusCode.Forbidden => 4, HttpStatusCode.InternalServerError => 1, _ => 2 });
    }

    private static JsonArray Names(IReadOnlyList<string> fields) => new(fields.Select(field => (JsonNode?)field).ToArray());
}
