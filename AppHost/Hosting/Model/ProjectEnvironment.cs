namespace RealtimeSync.AppHost.Hosting.Model;

/// <summary>
/// Aspire's environment contract for a project, in one place for both uses: the manifest (placeholders)
/// and a run (values). Services read only these variables, never the AppHost.
/// </summary>
public static class ProjectEnvironment
{
    /// <summary>Variables Aspire gives every project, before its references.</summary>
    public static readonly (string Name, string Value)[] OtelDefaults =
    [
        ("OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EXCEPTION_LOG_ATTRIBUTES", "true"),
        ("OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EVENT_LOG_ATTRIBUTES", "true"),
        ("OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY", "in_memory"),
    ];

    /// <summary><c>ConnectionStrings__{name}</c> per referenced server or database, <c>services__{name}__http__0</c> per referenced project.</summary>
    public static IEnumerable<(string Name, IValueProvider Value)> References(ProjectResource project)
    {
        foreach (var reference in project.References)
        {
            switch (reference)
            {
                case IResourceWithConnectionString withConnectionString:
                    yield return ($"ConnectionStrings__{reference.Name}", new ConnectionStringReference(withConnectionString));
                    break;
                case ProjectResource service:
                    yield return ($"services__{service.Name}__http__0", new EndpointReference(service.HttpEndpoint, EndpointProperty.Url));
                    break;
            }
        }

        foreach (var variable in project.Environment)
        {
            yield return variable;
        }
    }

    /// <summary>The variables one replica runs with. Replicas of a referenced project are listed as indexes 0..n-1 (there is no DCP proxy here).</summary>
    public static Dictionary<string, string> ForRun(ProjectResource project, int replica, string environmentName, string? otlpEndpoint)
    {
        var variables = OtelDefaults.ToDictionary(pair => pair.Name, pair => pair.Value);
        variables["OTEL_SERVICE_NAME"] = project.Name;
        variables["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={project.ReplicaName(replica)}";
        if (!string.IsNullOrWhiteSpace(otlpEndpoint))
        {
            variables["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlpEndpoint;
        }

        variables["ASPNETCORE_URLS"] = project.HttpEndpoint.Url(replica);
        variables["ASPNETCORE_ENVIRONMENT"] = environmentName;
        variables["DOTNET_ENVIRONMENT"] = environmentName;
        variables["LOGGING__CONSOLE__FORMATTERNAME"] = "simple";
        foreach (var (name, value) in References(project))
        {
            variables[name] = value.GetValue();
        }

        foreach (var service in project.References.OfType<ProjectResource>())
        {
            for (var index = 0; index < service.Replicas; index++)
            {
                variables[$"services__{service.Name}__http__{index}"] = service.HttpEndpoint.Url(index);
            }
        }

        return variables;
    }
}
