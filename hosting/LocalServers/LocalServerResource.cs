using Aspire.Hosting.ApplicationModel;

namespace RealtimeSync.Hosting.LocalServers;

/// <summary>
/// A server that Aspire would run as a container, run instead as a local process from Debian's
/// packages (no container engine here). It is an executable to DCP, so it starts, stops and dies
/// with the AppHost, and a connection string to the services, so <c>WithReference</c> and
/// <c>WaitFor</c> behave as with Aspire's own resources.
/// </summary>
public abstract class LocalServerResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string PrimaryEndpointName = "tcp";

    private EndpointReference? _primaryEndpoint;

    public ParameterResource PasswordParameter { get; } = password;

    /// <summary>The folder that holds this server's configuration, data and logs.</summary>
    public string DataFolder => WorkingDirectory;

    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    public abstract ReferenceExpression ConnectionStringExpression { get; }

    protected EndpointReferenceExpression Host => PrimaryEndpoint.Property(EndpointProperty.IPV4Host);

    protected EndpointReferenceExpression Port => PrimaryEndpoint.Property(EndpointProperty.Port);
}
