using System.Net;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;

namespace RealtimeSync.Gateway;

/// <summary>
/// The gateway's routing table: which public path goes to which service. Each cluster has one destination,
/// <c>http://{service}</c> (<c>http://_http2.{service}</c> for a service reached over HTTP/2), which service discovery expands into
/// the service's addresses (<c>services__{service}__http__{i}</c> or <c>__http2__{i}</c>: one per instance, or one proxy address in
/// front of the replicas).
/// </summary>
public static class GatewayRoutes
{
    /// <summary>Public path → service. Every frontend talks to these paths on the gateway only.</summary>
    private static readonly (string RouteId, string Path, string Service)[] Table =
    [
        ("records", "/api/records/{**rest}", "merge-api"),
        ("ingest", "/api/ingest/{**rest}", "odoo-ingest"),
        ("sync", "/api/sync/{**rest}", "push-gateway"),
        ("ws", "/ws", "push-gateway"),
        // Each service's OpenAPI document, at the path the service serves it (no transform); anonymous, outside the rate limit.
        ("openapi-records", "/openapi/records.json", "merge-api"),
        ("openapi-sync", "/openapi/sync.json", "push-gateway"),
        ("openapi-ingest", "/openapi/ingest.json", "odoo-ingest"),
    ];

    /// <summary>The API documents the gateway serves (name, title), each at <c>/openapi/{name}.json</c>, listed on the reference page.</summary>
    public static readonly (string Name, string Title)[] Documents =
    [
        ("records", "Records (merge-api)"),
        ("sync", "Sync (push-gateway)"),
        ("ingest", "Ingest (odoo-ingest)"),
    ];

    private static readonly ForwarderRequestConfig Http2 = new() { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };

    /// <summary>
    /// The routes and clusters. A service in <paramref name="http2Services"/> (<c>Gateway:Http2Services</c>) is forwarded to over
    /// HTTP/2 without TLS at its <c>http2</c> endpoint: a WebSocket or event stream is then one stream of a few shared connections
    /// instead of a socket and a pooled connection of its own. Only for a service whose every instance is a destination of its
    /// own: behind one balancing address, a shared connection would take all its streams to one instance (decision 0026).
    /// </summary>
    public static (IReadOnlyList<RouteConfig> Routes, IReadOnlyList<ClusterConfig> Clusters) Build(IReadOnlyCollection<string>? http2Services = null)
    {
        http2Services ??= [];
        var routes = Table.Select(entry => new RouteConfig
        {
            RouteId = entry.RouteId,
            ClusterId = entry.Service,
            Match = new RouteMatch { Path = entry.Path },
        }).ToList();

        var clusters = Table.Select(entry => entry.Service).Distinct().Select(service => new ClusterConfig
        {
            ClusterId = service,
            LoadBalancingPolicy = LoadBalancingPolicies.RoundRobin,
            // The health address is resolved with the destination, so each instance is probed at its own address.
            Destinations = new Dictionary<string, DestinationConfig>
            {
                [service] = new() { Address = Address(service), Health = Address(service) + "/" },
            },
            HttpRequest = http2Services.Contains(service) ? Http2 : null,
            // A dead instance leaves the rotation within seconds, so reconnecting clients land on a live one.
            HealthCheck = new HealthCheckConfig
            {
                Active = new ActiveHealthCheckConfig
                {
                    Enabled = true,
                    Interval = TimeSpan.FromSeconds(2),
                    Timeout = TimeSpan.FromSeconds(2),
                    Policy = HealthCheckConstants.ActivePolicy.ConsecutiveFailures,
                    Path = ServiceDefaultsExtensions.AlivePath,
                },
                Passive = new PassiveHealthCheckConfig
                {
                    Enabled = true,
                    Policy = HealthCheckConstants.PassivePolicy.TransportFailureRate,
                    ReactivationPeriod = TimeSpan.FromSeconds(5),
                },
            },
        }).ToList();

        return (routes, clusters);

        string Address(string service) => http2Services.Contains(service) ? $"http://_http2.{service}" : $"http://{service}";
    }
}
