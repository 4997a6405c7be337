using Aspire.Hosting.ApplicationModel;

namespace RealtimeSync.Hosting.LocalServers;

/// <summary>
/// A PostgreSQL cluster of its own under the state folder, run as the <c>postgres</c> account (it
/// refuses root), asking for a password on every connection, TCP and socket alike.
/// </summary>
public sealed class LocalPostgresResource(string name, string workingDirectory, ParameterResource password)
    : LocalServerResource(name, SystemAccount.Command(DebianPrograms.PostgresBin("postgres"), SystemUser), workingDirectory, password)
{
    public const string UserName = "postgres";
    public const string SystemUser = "postgres";

    public List<LocalPostgresDatabaseResource> Databases { get; } = [];

    public string ClusterFolder => Path.Combine(DataFolder, "data");

    /// <summary>The Unix socket's folder: its owner's alone, so no other account reaches the socket.</summary>
    public string SocketFolder => Path.Combine(DataFolder, "run");

    public override ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Host={Host};Port={Port};Username={UserName};Password={PasswordParameter}");
}
