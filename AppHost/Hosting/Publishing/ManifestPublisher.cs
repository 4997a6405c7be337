using System.Text;
using System.Text.Json;

namespace RealtimeSync.AppHost.Hosting.Publishing;

/// <summary>
/// Writes the model as Aspire's manifest (schema aspire-8.0, as Aspire 9 writes it): container.v0 for the
/// servers, value.v0 for databases, project.v0 for services, and the generated passwords as parameter.v0
/// after the model's own resources. Deployment tools (azd, aspirate, aspir8) read this file.
/// </summary>
public static class ManifestPublisher
{
    public static string Write(IReadOnlyList<Resource> resources, string manifestFolder)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("$schema", "https://json.schemastore.org/aspire-8.0.json");
            json.WriteStartObject("resources");
            foreach (var resource in resources)
            {
                json.WriteStartObject(resource.Name);
                WriteResource(json, resource, manifestFolder);
                json.WriteEndObject();
            }

            foreach (var parameter in resources.OfType<ServerResource>().Select(server => server.Password))
            {
                json.WriteStartObject(parameter.Name);
                WriteParameter(json, parameter);
                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void WriteResource(Utf8JsonWriter json, Resource resource, string manifestFolder)
    {
        switch (resource)
        {
            case ServerResource server:
                WriteServer(json, server);
                break;
            case PostgresDatabaseResource database:
                json.WriteString("type", "value.v0");
                json.WriteString("connectionString", database.ConnectionStringExpression.ManifestExpression);
                break;
            case ProjectResource project:
                WriteProject(json, project, manifestFolder);
                break;
            case ParameterResource parameter:
                WriteParameter(json, parameter);
                break;
            default:
                throw new NotSupportedException($"No manifest form for {resource.GetType().Name}.");
        }
    }

    private static void WriteServer(Utf8JsonWriter json, ServerResource server)
    {
        json.WriteString("type", "container.v0");
        json.WriteString("connectionString", server.ConnectionStringExpression.ManifestExpression);
        json.WriteString("image", server.Image);
        if (server.Entrypoint is { } entrypoint)
        {
            json.WriteString("entrypoint", entrypoint);
        }

        if (server.Args.Count > 0)
        {
            json.WriteStartArray("args");
            server.Args.ToList().ForEach(json.WriteStringValue);
            json.WriteEndArray();
        }

        json.WriteStartObject("env");
        foreach (var (name, value) in server.ContainerEnvironment)
        {
            json.WriteString(name, value is IValueProvider provider ? provider.ManifestExpression : (string)value);
        }

        json.WriteEndObject();
        json.WriteStartObject("bindings");
        foreach (var endpoint in server.Endpoints)
        {
            json.WriteStartObject(endpoint.Name);
            json.WriteString("scheme", endpoint.Scheme);
            json.WriteString("protocol", "tcp");
            json.WriteString("transport", endpoint.Transport);
            json.WriteNumber("targetPort", endpoint.TargetPort!.Value);
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    private static void WriteProject(Utf8JsonWriter json, ProjectResource project, string manifestFolder)
    {
        json.WriteString("type", "project.v0");
        json.WriteString("path", Path.GetRelativePath(manifestFolder, project.Metadata.ProjectPath).Replace('\\', '/'));
        json.WriteStartObject("env");
        foreach (var (name, value) in ProjectEnvironment.OtelDefaults)
        {
            json.WriteString(name, value);
        }

        json.WriteString("ASPNETCORE_FORWARDEDHEADERS_ENABLED", "true");
        json.WriteString("HTTP_PORTS", new EndpointReference(project.HttpEndpoint, EndpointProperty.TargetPort).ManifestExpression);
        foreach (var (name, value) in ProjectEnvironment.References(project))
        {
            json.WriteString(name, value.ManifestExpression);
        }

        json.WriteEndObject();
        json.WriteStartObject("bindings");
        json.WriteStartObject(project.HttpEndpoint.Name);
        json.WriteString("scheme", "http");
        json.WriteString("protocol", "tcp");
        json.WriteString("transport", "http");
        if (project.HttpEndpoint.IsExternal)
        {
            json.WriteBoolean("external", true);
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteParameter(Utf8JsonWriter json, ParameterResource parameter)
    {
        json.WriteString("type", "parameter.v0");
        json.WriteString("value", $"{{{parameter.Name}.inputs.value}}");
        json.WriteStartObject("inputs");
        json.WriteStartObject("value");
        json.WriteString("type", "string");
        if (parameter.Secret)
        {
            json.WriteBoolean("secret", true);
        }

        if (parameter.ConfigurationKey is null)
        {
            json.WriteStartObject("default");
            json.WriteStartObject("generate");
            json.WriteNumber("minLength", parameter.MinLength);
            if (!parameter.Special)
            {
                json.WriteBoolean("special", false);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }
}
