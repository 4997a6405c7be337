using System.Security.Cryptography;
using System.Text;
using Aspire.Hosting.ApplicationModel;

namespace RealtimeSync.Hosting.LocalServers;

/// <summary>
/// A RabbitMQ node of its own, run as the <c>rabbitmq</c> account, every file under the state folder.
/// Its Erlang distribution listens on loopback only and registers with a private <see cref="EpmdResource"/>,
/// so nothing it starts outlives the AppHost.
/// </summary>
public sealed class LocalRabbitMQResource(string name, string workingDirectory, ParameterResource password, EpmdResource epmd)
    : LocalServerResource(name, SystemAccount.Command(ServerProgram), workingDirectory, password)
{
    /// <summary>RabbitMQ's own start script (not Debian's wrapper in /usr/sbin), run directly or through setpriv.</summary>
    public static readonly string ServerProgram = DebianPrograms.Find("rabbitmq-server", "/usr/lib/rabbitmq/bin/rabbitmq-server");

    public const string UserName = "guest";
    public const string SystemUser = "rabbitmq";
    public const string DistributionEndpointName = "dist";

    public EpmdResource Epmd { get; } = epmd;

    /// <summary>Holds the password: readable by the <c>rabbitmq</c> account alone.</summary>
    public string ConfigFile => Path.Combine(DataFolder, "rabbitmq.conf");

    /// <summary>Unique per state folder, so a test run and ./run never join each other's node.</summary>
    public string NodeName => $"rs{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(DataFolder)))[..10].ToLowerInvariant()}@localhost";

    public EndpointReference DistributionEndpoint => new(this, DistributionEndpointName);

    public override ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"amqp://{UserName}:{PasswordParameter}@{Host}:{Port}");
}
