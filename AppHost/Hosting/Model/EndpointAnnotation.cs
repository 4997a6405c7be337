namespace RealtimeSync.AppHost.Hosting.Model;

/// <summary>
/// A named endpoint of a resource. <see cref="TargetPort"/> is the port inside a container (written to the
/// manifest); <see cref="Port"/> is the host port chosen for a run (0 until allocated, or fixed by WithEndpoint).
/// </summary>
public sealed class EndpointAnnotation(IResource resource, string name, string scheme, string transport, int? targetPort)
{
    public IResource Resource { get; } = resource;

    public string Name { get; } = name;

    public string Scheme { get; } = scheme;

    public string Transport { get; } = transport;

    public int? TargetPort { get; } = targetPort;

    /// <summary>Host port requested for the first replica (0 = any free port).</summary>
    public int Port { get; set; }

    public bool IsExternal { get; set; }

    /// <summary>The port each replica listens on during a run, in replica order.</summary>
    public List<int> AllocatedPorts { get; } = [];

    public string Host => "127.0.0.1";

    public string Url(int replica = 0) => $"{Scheme}://{Host}:{AllocatedPorts[replica]}";
}

/// <summary>Refers to a property of an endpoint in an expression: a run-time value, or a manifest placeholder.</summary>
public sealed class EndpointReference(EndpointAnnotation endpoint, EndpointProperty property) : IValueProvider
{
    public string ManifestExpression =>
        $"{{{endpoint.Resource.Name}.bindings.{endpoint.Name}.{property.ToString().ToLowerInvariant() switch { "targetport" => "targetPort", var other => other }}}}";

    public string GetValue() => property switch
    {
        EndpointProperty.Host => endpoint.Host,
        EndpointProperty.Port or EndpointProperty.TargetPort => endpoint.AllocatedPorts[0].ToString(System.Globalization.CultureInfo.InvariantCulture),
        EndpointProperty.Url => endpoint.Url(),
        _ => throw new ArgumentOutOfRangeException(nameof(property)),
    };
}

public enum EndpointProperty
{
    Host,
    Port,
    TargetPort,
    Url,
}
