using System.Text.Json.Nodes;

namespace RealtimeSync.OdooSimulator;

/// <summary>Injected trouble: the next calls fail as a transient outage (HTTP 503), and every answer may be slow or stall.</summary>
public sealed class OdooFaults
{
    private int _failNext;

    public TimeSpan Delay { get; set; }

    /// <summary>Every answer sends its headers and a first few bytes, then nothing for this long (a proxy or a peer gone mid-answer).</summary>
    public TimeSpan BodyStall { get; set; }

    /// <summary>Counts every API call, to compare what a sync fetched with the bare cost of fetching it.</summary>
    public long Calls => Interlocked.Read(ref _calls);

    private long _calls;

    public void FailNext(int calls) => Interlocked.Exchange(ref _failNext, calls);

    internal bool TakeFailure()
    {
        Interlocked.Increment(ref _calls);
        while (true)
        {
            var left = Volatile.Read(ref _failNext);
            if (left <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _failNext, left - 1, left) == left)
            {
                return true;
            }
        }
    }
}

/// <summary>Settings of a simulated Odoo: one database and one user (login, password, API key).</summary>
public sealed record OdooSimulatorOptions(string Database = "odoo", string Login = "admin", string Password = "admin", string ApiKey = "simulated-api-key");

/// <summary>The simulator as an HTTP server on loopback (in tests it runs in-process; ./run starts it as a demo source).</summary>
public sealed class OdooSimulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OdooSimulatorServer(WebApplication app, OdooService service, OdooFaults faults)
    {
        _app = app;
        Service = service;
        Faults = faults;
    }

    public OdooService Service { get; }

    public OdooDatabase Database => Service.Database;

    public OdooFaults Faults { get; }

    public Uri Url => new(_app.Urls.First());

    /// <summary>Cancelled when the host is asked to stop (SIGTERM, Ctrl+C).</summary>
    public CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    public static async Task<OdooSimulatorServer> StartAsync(OdooSimulatorOptions options, int port = 0, TimeProvider? clock = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.SetMinimumLevel(LogLevel.Warning); // errors of the simulator itself must show
        var app = builder.Build();
        var service = new OdooService(new OdooDatabase(options.Database, clock ?? TimeProvider.System), new OdooUser(2, options.Login, options.Password, options.ApiKey));
        var faults = new OdooFaults();
        app.MapOdooApi(service, faults);
        await app.StartAsync();
        return new OdooSimulatorServer(app, service, faults);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public static class OdooApiRoutes
{
    /// <summary>Maps Odoo's external API: XML-RPC (common, object), JSON-2 and /web/version.</summary>
    public static WebApplication MapOdooApi(this WebApplication app, OdooService service, OdooFaults faults)
    {
        app.Use(async (http, next) =>
        {
            if (faults.Delay > TimeSpan.Zero)
            {
                await Task.Delay(faults.Delay, http.RequestAborted);
            }

            if (faults.BodyStall > TimeSpan.Zero)
            {
                http.Response.ContentType = "text/xml";
                await http.Response.StartAsync(http.RequestAborted);
                await http.Response.Body.WriteAsync("<?xml version='1.0'?>"u8.ToArray(), http.RequestAborted);
                await http.Response.Body.FlushAsync(http.RequestAborted);
                await Task.Delay(faults.BodyStall, http.RequestAborted);
                return;
            }

            if (faults.TakeFailure())
            {
                http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                await http.Response.WriteAsync("Service Unavailable: the simulated Odoo is restarting");
                return;
            }

            await next(http);
        });
        app.MapPost("/xmlrpc/2/{endpoint}", (HttpContext http, string endpoint) => XmlRpcEndpoint.HandleAsync(http, service, endpoint));
        app.MapPost("/json/2/{model}/{method}", (HttpContext http, string model, string method) => Json2Endpoint.HandleAsync(http, service, model, method));
        app.MapGet("/health", () => "Healthy"); // for the AppHost's readiness probe when it runs as ./run's demo source
        app.MapGet("/web/version", () => Results.Json(new JsonObject { ["version"] = "19.0", ["version_info"] = OdooService.Version()["server_version_info"]!.DeepClone() }));
        return app;
    }
}

/// <summary>Test and demo data.</summary>
public static class OdooSeed
{
    /// <summary>Purchase orders with lines, written in one transaction started at <paramref name="at"/> (all sharing that write_date, as a real import would).</summary>
    public static void PurchaseOrders(OdooDatabase database, int orders, int linesPerOrder, DateTimeOffset at)
    {
        var transaction = new OdooTransaction(database, at);
        var partners = Enumerable.Range(1, 20).Select(n => transaction.Create("res.partner", new JsonObject { ["name"] = $"Vendor {n}" })).ToList();
        var products = Enumerable.Range(1, 50).Select(n => transaction.Create("product.product", new JsonObject { ["name"] = $"Product {n}" })).ToList();
        for (var order = 1; order <= orders; order++)
        {
            var id = transaction.Create("purchase.order", new JsonObject
            {
                ["name"] = $"P{order:00000}",
                ["partner_id"] = partners[order % partners.Count],
                ["date_order"] = at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss"),
                ["state"] = "draft",
                ["amount_total"] = linesPerOrder * 10.0,
            });
            for (var line = 1; line <= linesPerOrder; line++)
            {
                transaction.Create("purchase.order.line", new JsonObject
                {
                    ["order_id"] = id,
                    ["product_id"] = products[(order + line) % products.Count],
                    ["name"] = $"Line {line} of P{order:00000}",
                    ["product_qty"] = 1.0,
                    ["price_unit"] = 10.0,
                    ["price_subtotal"] = 10.0,
                });
            }
        }

        transaction.Commit();
    }
}
