using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using RealtimeSync.OdooIngest.Odoo;
using RealtimeSync.OdooSimulator;

namespace RealtimeSync.UnitTests.OdooIngest;

/// <summary>
/// Both clients against the protocol-faithful simulator: the same answers over XML-RPC and JSON-2, and the same errors.
/// Each goes through the HttpClient the service registers, so its resilience pipeline is the one under test.
/// </summary>
public sealed class OdooApiTests : IAsyncLifetime
{
    private readonly List<ServiceProvider> _clients = [];
    private OdooSimulatorServer _odoo = null!;

    public async Task InitializeAsync()
    {
        _odoo = await OdooSimulatorServer.StartAsync(new OdooSimulatorOptions());
        OdooSeed.PurchaseOrders(_odoo.Database, orders: 3, linesPerOrder: 2, DateTimeOffset.Parse("2026-11-21T10:00:00.250Z"));
        _odoo.Database.Run(transaction =>
        {
            transaction.Write("purchase.order", 3, new JsonObject { ["active"] = false });
            return true;
        });
    }

    public async Task DisposeAsync()
    {
        foreach (var clients in _clients)
        {
            await clients.DisposeAsync();
        }

        await _odoo.DisposeAsync();
    }

    [Theory]
    [InlineData("xmlrpc")]
    [InlineData("json2")]
    public async Task Search_read_returns_odoo_shapes_whole_second_dates_and_archived_records(string protocol)
    {
        var api = Api(protocol);

        var rows = await api.SearchReadAsync("purchase.order", [new JsonArray("id", ">", 0)], ["name", "partner_id", "order_line", "write_date", "active"], 10, "id asc", default);

        Assert.Equal(protocol, api.Protocol);
        Assert.Equal(3, rows.Count); // archived order 3 included: the client always sends active_test=false
        var first = rows[0]!;
        Assert.Equal("P00001", (string?)first["name"]);
        Assert.Equal("Vendor 2", (string?)first["partner_id"]![1]);
        Assert.Equal(2, first["order_line"]!.AsArray().Count);
        Assert.Equal("2026-11-21 10:00:00", (string?)first["write_date"]);
        Assert.False((bool)rows[2]!["active"]!);
    }

    [Theory]
    [InlineData("xmlrpc")]
    [InlineData("json2")]
    public async Task A_write_date_filter_compares_with_the_stored_microseconds(string protocol)
    {
        var api = Api(protocol);

        var atTheSecond = await api.SearchAsync("purchase.order", [new JsonArray("write_date", "=", "2026-11-21 10:00:00")], 10, "id asc", default);
        var fromTheSecond = await api.SearchAsync("purchase.order", [new JsonArray("write_date", ">=", "2026-11-21 10:00:00")], 10, "id asc", default);

        Assert.Empty(atTheSecond); // stored 10:00:00.250: equality on the shown second matches nothing, as in PostgreSQL
        Assert.Equal([1, 2, 3], fromTheSecond);
    }

    [Theory]
    [InlineData("xmlrpc")]
    [InlineData("json2")]
    public async Task Bad_credentials_are_a_credentials_error_and_not_retried(string protocol)
    {
        var api = Api(protocol, new OdooOptions { Password = "wrong", ApiKey = "wrong" });
        var calls = _odoo.Faults.Calls;

        var error = await Assert.ThrowsAsync<OdooApiException>(() => api.SearchAsync("purchase.order", [], 10, "id asc", default));

        Assert.Equal(OdooErrorKind.Credentials, error.Kind);
        Assert.True(_odoo.Faults.Calls - calls <= 2, "credentials errors must not be retried");
    }

    [Theory]
    [InlineData("xmlrpc")]
    [InlineData("json2")]
    public async Task A_transient_outage_is_retried_with_backoff_and_an_unknown_model_is_a_fault(string protocol)
    {
        var api = Api(protocol);
        _odoo.Faults.FailNext(2);

        var ids = await api.SearchAsync("purchase.order", [], 10, "id asc", default);
        var fault = await Assert.ThrowsAsync<OdooApiException>(() => api.SearchAsync("no.such.model", [], 10, "id asc", default));

        Assert.Equal(3, ids.Count);
        Assert.Equal(OdooErrorKind.Fault, fault.Kind);
        Assert.Equal(_odoo.Database.Uuid, await api.DatabaseUuidAsync(default));
    }

    [Theory]
    [InlineData("xmlrpc")]
    [InlineData("json2")]
    public async Task A_server_error_raised_by_odoo_is_a_fault_at_once_not_an_outage_to_retry(string protocol)
    {
        var api = Api(protocol);
        var calls = 0;
        _odoo.Service.Breaks = (model, method, _) => model == "purchase.order" && Interlocked.Increment(ref calls) > 0;
        try
        {
            var error = await Assert.ThrowsAsync<OdooApiException>(() => api.SearchAsync("purchase.order", [], 10, "id asc", default));

            Assert.Equal(OdooErrorKind.Fault, error.Kind);
            Assert.Equal(1, error.FaultCode);
            Assert.Equal(1, calls);
        }
        finally
        {
            _odoo.Service.Breaks = null;
        }
    }

    [Theory]
    [InlineData("xmlrpc", false)]
    [InlineData("json2", false)]
    [InlineData("xmlrpc", true)]
    [InlineData("json2", true)]
    public async Task A_slow_odoo_or_an_answer_that_stalls_after_its_headers_times_out_and_says_so(string protocol, bool stallsAfterHeaders)
    {
        var api = Api(protocol, new OdooOptions { Password = "admin", ApiKey = "simulated-api-key", Timeout = TimeSpan.FromMilliseconds(500) }, attempts: 2);
        if (stallsAfterHeaders)
        {
            _odoo.Faults.BodyStall = TimeSpan.FromMinutes(2); // past the headers, the pipeline's timeout no longer applies
        }
        else
        {
            _odoo.Faults.Delay = TimeSpan.FromSeconds(2);
        }

        try
        {
            // Bounded here only so that a hang fails the test instead of holding it for the stall's two minutes.
            var error = await Assert.ThrowsAsync<OdooApiException>(() => api.SearchAsync("purchase.order", [], 10, "id asc", default).WaitAsync(TimeSpan.FromSeconds(30)));

            Assert.Equal(OdooErrorKind.Transient, error.Kind);
            Assert.Contains(stallsAfterHeaders ? "did not finish arriving within" : "did not answer within", error.Message);
        }
        finally
        {
            (_odoo.Faults.Delay, _odoo.Faults.BodyStall) = (TimeSpan.Zero, TimeSpan.Zero);
        }
    }

    [Fact]
    public async Task Auto_picks_json_2_for_odoo_19_with_an_api_key_and_xml_rpc_without()
    {
        Assert.Equal("json2", (await Factory(new OdooOptions { ApiKey = "simulated-api-key" })).Protocol);
        Assert.Equal("xmlrpc", (await Factory(new OdooOptions { Password = "admin" })).Protocol);
    }

    private IOdooApi Api(string protocol, OdooOptions? options = null, int attempts = 4)
    {
        var settings = Settings(options ?? new OdooOptions { Password = "admin", ApiKey = "simulated-api-key" });
        settings.MaxAttempts = attempts;
        var transport = new OdooTransport(Client(settings), settings);
        return protocol == "json2" ? new Json2OdooApi(transport) : new XmlRpcOdooApi(transport);
    }

    private Task<IOdooApi> Factory(OdooOptions options) =>
        new OdooApiFactory(new Clients(), Microsoft.Extensions.Options.Options.Create(Settings(options))).CreateAsync(default);

    private HttpClient Client(OdooOptions settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings));
        services.AddOdooHttpClient();
        var clients = services.BuildServiceProvider();
        _clients.Add(clients);
        return clients.GetRequiredService<IHttpClientFactory>().CreateClient(OdooHttpClient.Name);
    }

    private OdooOptions Settings(OdooOptions options)
    {
        options.Url = _odoo.Url.ToString();
        options.Database = "odoo";
        options.Login = "admin";
        return options;
    }

    private sealed class Clients : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new();
    }
}
