using System.Text.Json.Nodes;
using RealtimeSync.OdooIngest.Odoo;
using RealtimeSync.OdooIngest.Sync;
using RealtimeSync.OdooSimulator;

namespace RealtimeSync.UnitTests.OdooIngest;

/// <summary>
/// A page Odoo refuses is searched, then read by halves, with the same domain: over both protocols, the
/// readable records come back and the unreadable one is named (issue 10: over XML-RPC the second request
/// adopted the first one's domain node and threw "The node already has a parent").
/// </summary>
public sealed class IsolatedReadsTests : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private OdooSimulatorServer _odoo = null!;

    public async Task InitializeAsync()
    {
        _odoo = await OdooSimulatorServer.StartAsync(new OdooSimulatorOptions());
        OdooSeed.PurchaseOrders(_odoo.Database, orders: 8, linesPerOrder: 2, DateTimeOffset.Parse("2026-11-21T10:00:00Z"));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _odoo.DisposeAsync();
    }

    [Theory]
    [InlineData("xmlrpc", "purchase.order")]
    [InlineData("json2", "purchase.order")]
    [InlineData("xmlrpc", "purchase.order.line")]
    [InlineData("json2", "purchase.order.line")]
    public async Task A_refused_page_is_read_by_halves_and_only_the_unreadable_record_is_left_out(string protocol, string model)
    {
        const int bad = 5;
        _odoo.Service.Breaks = (called, method, parameters) => called == model
            && (method == "search_read" || (method == "read" && parameters["ids"] is JsonArray ids && ids.Any(id => (int)id! == bad)));
        JsonArray domain = [new JsonArray("id", ">", 0)];

        var page = await IsolatedReads.PageAsync(Api(protocol), model, domain, ["name"], limit: 6, default);

        Assert.Equal(6, page.Count);
        Assert.Equal(6, page.LastId);
        Assert.Equal([1, 2, 3, 4, 6], page.Rows.Select(row => (int)row["id"]!).Order());
        var unreadable = Assert.Single(page.Unreadable);
        Assert.Equal(bad, unreadable.Id);
        Assert.Contains("simulated server error", unreadable.Error);
        Assert.Null(domain.Parent); // the caller's domain is its own still, and can be sent again
    }

    [Theory]
    [InlineData("xmlrpc")]
    [InlineData("json2")]
    public async Task One_domain_can_be_sent_in_any_number_of_requests(string protocol)
    {
        var api = Api(protocol);
        JsonArray domain = [new JsonArray("id", "<=", 3)];

        var read = await api.SearchReadAsync("purchase.order", domain, ["name"], 10, "id asc", default);
        var searched = await api.SearchAsync("purchase.order", domain, 10, "id asc", default);
        var again = await api.SearchAsync("purchase.order", domain, 10, "id asc", default);

        Assert.Equal([1, 2, 3], read.Select(row => (int)row!["id"]!));
        Assert.Equal([1, 2, 3], searched);
        Assert.Equal(searched, again);
    }

    /// <summary>A bare client (no resilience pipeline): these calls are meant to fault, once each.</summary>
    private IOdooApi Api(string protocol)
    {
        var transport = new OdooTransport(_http, new OdooOptions
        {
            Url = _odoo.Url.ToString(),
            Database = "odoo",
            Login = "admin",
            Password = "admin",
            ApiKey = "simulated-api-key",
        });
        return protocol == "json2" ? new Json2OdooApi(transport) : new XmlRpcOdooApi(transport);
    }
}
