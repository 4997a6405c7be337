namespace RealtimeSync.AppHost.Hosting.Model;

/// <summary>A .NET service project, run from its built assembly with Aspire's environment contract.</summary>
public sealed class ProjectResource : Resource, IResourceWithEndpoints
{
    public ProjectResource(string name, IProjectMetadata metadata) : base(name)
    {
        Metadata = metadata;
        HttpEndpoint = new EndpointAnnotation(this, "http", "http", "http", targetPort: null);
    }

    public IProjectMetadata Metadata { get; }

    public EndpointAnnotation HttpEndpoint { get; }

    public IReadOnlyList<EndpointAnnotation> Endpoints => [HttpEndpoint];

    public int Replicas { get; set; } = 1;

    /// <summary>Extra variables from WithEnvironment, in call order.</summary>
    public List<(string Name, IValueProvider Value)> Environment { get; } = [];

    /// <summary>The name a replica runs under (output prefix, service.instance.id).</summary>
    public string ReplicaName(int replica) => Replicas == 1 ? Name : $"{Name}-{replica}";
}
