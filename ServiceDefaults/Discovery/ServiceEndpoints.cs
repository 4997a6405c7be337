using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Reads Aspire's service-discovery contract, <c>services__{name}__{endpoint}__{index}</c>, without
/// Microsoft.Extensions.ServiceDiscovery (absent here). Several indexes name several instances.
/// </summary>
public static class ServiceEndpoints
{
    public static IReadOnlyList<Uri> Resolve(IConfiguration configuration, string serviceName, string endpointName = "http") =>
        configuration.GetSection($"services:{serviceName}:{endpointName}").GetChildren()
            .OrderBy(child => int.TryParse(child.Key, out var index) ? index : int.MaxValue)
            .Select(child => child.Value)
            .Where(value => !string.IsNullOrWhiteSpace(value))
            .Select(value => new Uri(value!))
            .ToList();
}
