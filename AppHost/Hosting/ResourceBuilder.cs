namespace RealtimeSync.AppHost.Hosting;

/// <summary>Fluent configuration of one resource, as Aspire's IResourceBuilder&lt;T&gt;.</summary>
public sealed class ResourceBuilder<T>(DistributedApplicationBuilder application, T resource) where T : Resource
{
    public DistributedApplicationBuilder ApplicationBuilder { get; } = application;

    public T Resource { get; } = resource;

    /// <summary>Starts this resource only once <paramref name="dependency"/> is ready (healthy, or for a database: created).</summary>
    public ResourceBuilder<T> WaitFor<TOther>(ResourceBuilder<TOther> dependency) where TOther : Resource
    {
        Resource.WaitsFor.Add(dependency.Resource);
        return this;
    }

    /// <summary>Gives this resource <c>ConnectionStrings__{name}</c> or <c>services__{name}__http__{i}</c> for <paramref name="source"/>.</summary>
    public ResourceBuilder<T> WithReference<TOther>(ResourceBuilder<TOther> source) where TOther : Resource
    {
        if (source.Resource is not (IResourceWithConnectionString or ProjectResource))
        {
            throw new InvalidOperationException($"'{source.Resource.Name}' has neither a connection string nor service endpoints to reference.");
        }

        Resource.References.Add(source.Resource);
        return this;
    }
}

/// <summary>The verbs that only some resources have, as Aspire's extension methods.</summary>
public static class ResourceBuilderExtensions
{
    public static ResourceBuilder<ProjectResource> WithReplicas(this ResourceBuilder<ProjectResource> builder, int replicas)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        builder.Resource.Replicas = replicas;
        return builder;
    }

    /// <summary>Marks the project's http endpoint as reachable from outside (the manifest's <c>"external": true</c>).</summary>
    public static ResourceBuilder<ProjectResource> WithExternalHttpEndpoints(this ResourceBuilder<ProjectResource> builder)
    {
        builder.Resource.HttpEndpoint.IsExternal = true;
        return builder;
    }

    public static ResourceBuilder<T> WithEndpoint<T>(this ResourceBuilder<T> builder, string endpointName, Action<EndpointAnnotation> configure)
        where T : Resource, IResourceWithEndpoints
    {
        configure(builder.Resource.Endpoints.Single(endpoint => endpoint.Name == endpointName));
        return builder;
    }

    public static ResourceBuilder<ProjectResource> WithEnvironment(this ResourceBuilder<ProjectResource> builder, string name, string value)
    {
        builder.Resource.Environment.Add((name, ReferenceExpression.Create(value)));
        return builder;
    }

    public static ResourceBuilder<ProjectResource> WithEnvironment(this ResourceBuilder<ProjectResource> builder, string name, ResourceBuilder<ParameterResource> parameter)
    {
        builder.Resource.Environment.Add((name, parameter.Resource));
        return builder;
    }

    public static ResourceBuilder<ProjectResource> WithEnvironment(this ResourceBuilder<ProjectResource> builder, string name, EndpointReference endpoint)
    {
        builder.Resource.Environment.Add((name, endpoint));
        return builder;
    }

    /// <summary>A reference to a project's http endpoint (its URL at run time, a placeholder in the manifest), as Aspire's GetEndpoint.</summary>
    public static EndpointReference GetEndpoint(this ResourceBuilder<ProjectResource> builder, string name) =>
        new(builder.Resource.Endpoints.Single(endpoint => endpoint.Name == name), EndpointProperty.Url);
}
