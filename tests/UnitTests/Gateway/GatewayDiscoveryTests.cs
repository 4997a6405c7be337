using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RealtimeSync.Gateway;
using Yarp.ReverseProxy.ServiceDiscovery;

namespace RealtimeSync.UnitTests.Gateway;

/// <summary>The gateway's clusters name services, and service discovery turns each name into the addresses it knows.</summary>
public sealed class GatewayDiscoveryTests
{
    [Fact]
    public async Task A_service_with_an_address_per_instance_gets_a_destination_per_instance_each_probed_at_its_own_address()
    {
        var destinations = await ResolveAsync("push-gateway", new()
        {
            ["services:push-gateway:http:0"] = "http://127.0.0.1:5101",
            ["services:push-gateway:http:1"] = "http://127.0.0.1:5102",
        });

        Assert.Equal(["http://127.0.0.1:5101/", "http://127.0.0.1:5102/"], destinations.Select(destination => destination.Address).Order());
        Assert.Equal(["http://127.0.0.1:5101/", "http://127.0.0.1:5102/"], destinations.Select(destination => destination.Health).Order());
    }

    [Fact]
    public async Task A_service_forwarded_to_over_HTTP2_is_reached_at_its_http2_endpoints_exactly_over_HTTP2()
    {
        // The http endpoints are there too, for clients that come straight to an instance: the gateway does not use them.
        var destinations = await ResolveAsync("push-gateway", new()
        {
            ["services:push-gateway:http:0"] = "http://127.0.0.1:5101",
            ["services:push-gateway:http:1"] = "http://127.0.0.1:5102",
            ["services:push-gateway:http2:0"] = "http://127.0.0.1:5111",
            ["services:push-gateway:http2:1"] = "http://127.0.0.1:5112",
        }, http2Services: ["push-gateway"]);

        Assert.Equal(["http://127.0.0.1:5111/", "http://127.0.0.1:5112/"], destinations.Select(destination => destination.Address).Order());
        Assert.Equal(["http://127.0.0.1:5111/", "http://127.0.0.1:5112/"], destinations.Select(destination => destination.Health).Order());
        var clusters = GatewayRoutes.Build(["push-gateway"]).Clusters.ToDictionary(cluster => cluster.ClusterId);
        Assert.Equal(System.Net.HttpVersion.Version20, clusters["push-gateway"].HttpRequest?.Version);
        Assert.Equal(HttpVersionPolicy.RequestVersionExact, clusters["push-gateway"].HttpRequest?.VersionPolicy);
        Assert.All(["merge-api", "odoo-ingest"], service => Assert.Null(clusters[service].HttpRequest));
        Assert.All(GatewayRoutes.Build().Clusters, cluster => Assert.Null(cluster.HttpRequest)); // by default, HTTP/1.1 everywhere
    }

    [Fact]
    public async Task Replicas_behind_one_proxy_address_are_one_destination()
    {
        var destinations = await ResolveAsync("merge-api", new() { ["services:merge-api:http:0"] = "http://127.0.0.1:5201" });

        Assert.Equal(["http://127.0.0.1:5201/"], destinations.Select(destination => destination.Address));
    }

    private static async Task<List<Yarp.ReverseProxy.Configuration.DestinationConfig>> ResolveAsync(
        string service, Dictionary<string, string?> variables, string[]? http2Services = null)
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(variables).Build());
        services.AddServiceDiscovery();
        services.AddReverseProxy().AddServiceDiscoveryDestinationResolver();
        await using var provider = services.BuildServiceProvider();

        var cluster = GatewayRoutes.Build(http2Services).Clusters.Single(cluster => cluster.ClusterId == service);
        var resolved = await provider.GetRequiredService<IDestinationResolver>().ResolveDestinationsAsync(cluster.Destinations!, default);
        return resolved.Destinations.Values.ToList();
    }
}
