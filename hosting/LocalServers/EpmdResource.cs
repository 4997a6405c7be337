using Aspire.Hosting.ApplicationModel;

namespace RealtimeSync.Hosting.LocalServers;

/// <summary>
/// Erlang's port mapper, in the foreground on a port of its own and on loopback only. RabbitMQ would
/// otherwise start <c>epmd -daemon</c>, which outlives everything.
/// </summary>
public sealed class EpmdResource(string name, string workingDirectory)
    : ExecutableResource(name, DebianPrograms.Find("epmd", "/usr/bin/epmd"), workingDirectory)
{
    public const string PrimaryEndpointName = "tcp";

    public EndpointReference PrimaryEndpoint => new(this, PrimaryEndpointName);
}
