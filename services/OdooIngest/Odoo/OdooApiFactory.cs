using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace RealtimeSync.OdooIngest.Odoo;

/// <summary>
/// Picks the protocol: as configured, or (<c>auto</c>) by asking the server its version over XML-RPC, which
/// every Odoo answers without credentials: JSON-2 from 19 on when an API key is set, XML-RPC otherwise.
/// </summary>
public sealed class OdooApiFactory(IHttpClientFactory httpClients, IOptions<OdooOptions> options)
{
    public async Task<IOdooApi> CreateAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var transport = new OdooTransport(httpClients.CreateClient(OdooHttpClient.Name), settings);
        var xmlRpc = new XmlRpcOdooApi(transport);
        var protocol = settings.Protocol.ToLowerInvariant();
        if (protocol == "auto")
        {
            var version = await xmlRpc.VersionAsync(cancellationToken);
            var major = version?["server_version_info"] is JsonArray { Count: > 0 } info && info[0] is JsonValue first && first.TryGetValue<int>(out var number) ? number : 0;
            protocol = major >= 19 && !string.IsNullOrEmpty(settings.ApiKey) ? "json2" : "xmlrpc";
        }

        return protocol switch
        {
            "json2" => new Json2OdooApi(transport),
            "xmlrpc" => xmlRpc,
            _ => throw new InvalidOperationException($"Odoo:Protocol must be auto, xmlrpc or json2, not '{settings.Protocol}'."),
        };
    }
}
