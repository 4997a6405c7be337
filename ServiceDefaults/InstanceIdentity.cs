using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Which replica this process is: OTEL_RESOURCE_ATTRIBUTES' <c>service.instance.id</c> (set per replica by
/// the AppHost), else HOSTNAME (the pod name on Kubernetes), else machine and process id.
/// </summary>
public static class InstanceIdentity
{
    public static string Resolve(IConfiguration configuration)
    {
        foreach (var attribute in (configuration["OTEL_RESOURCE_ATTRIBUTES"] ?? string.Empty).Split(','))
        {
            var pair = attribute.Split('=', 2);
            if (pair.Length == 2 && pair[0].Trim() == "service.instance.id" && pair[1].Trim().Length > 0)
            {
                return Uri.UnescapeDataString(pair[1].Trim());
            }
        }

        return configuration["HOSTNAME"] is { Length: > 0 } host ? host : $"{Environment.MachineName}-{Environment.ProcessId}";
    }
}
