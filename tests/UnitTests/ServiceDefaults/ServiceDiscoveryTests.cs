using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace RealtimeSync.UnitTests.ServiceDefaults;

public sealed class ServiceDiscoveryTests
{
    [Fact]
    public void Every_indexed_address_of_a_service_is_resolved_in_index_order()
    {
        var configuration = Configuration(new()
        {
            ["services:push-gateway:http:1"] = "http://127.0.0.1:2",
            ["services:push-gateway:http:0"] = "http://127.0.0.1:1",
            ["services:merge-api:http:0"] = "http://127.0.0.1:3",
        });

        Assert.Equal(["http://127.0.0.1:1/", "http://127.0.0.1:2/"], ServiceEndpoints.Resolve(configuration, "push-gateway").Select(uri => uri.ToString()));
        Assert.Empty(ServiceEndpoints.Resolve(configuration, "odoo-ingest"));
    }

    [Theory]
    [InlineData("service.instance.id=push-gateway-1", null, "push-gateway-1")]
    [InlineData("deployment.environment=prod, service.instance.id=pod-a", null, "pod-a")]
    [InlineData(null, "push-gateway-7d9f", "push-gateway-7d9f")]
    public void The_instance_id_comes_from_otel_attributes_then_the_pod_name(string? attributes, string? hostname, string expected)
    {
        var configuration = Configuration(new() { ["OTEL_RESOURCE_ATTRIBUTES"] = attributes, ["HOSTNAME"] = hostname });

        Assert.Equal(expected, InstanceIdentity.Resolve(configuration));
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
