using Aspire.Hosting.ApplicationModel;

namespace RealtimeSync.Hosting.LocalServers;

/// <summary>
/// A PostgreSQL cluster of its own under the state folder, run as the <c>postgres</c> account (it
/// refuses root), asking for a password on every connection, TCP and socket alike.
/// </summary>
public sealed class LocalPostgresResource(string name, string workingDirectory, ParameterResource password)
    : LocalServerResource(name, SystemAccount.Command(ServerProgram), workingDirectory, password)
{
    /// <summary>The postmaster, run directly or through setpriv (<see cref="SystemAccount"/>).</summary>
    public static readonly string ServerProgram = DebianPrograms.PostgresBin("postgres");

    public const string UserName = "postgres";
    public const string SystemUser = "postgres";

    public List<LocalPostgresDatabaseResource> Databases { get; } = [];

    public string ClusterFolder => Path.Combine(DataFolder, "data");

    /// <summary>The Unix socket's folder: its owner's alone, so no other account reaches the socket.</summary>
    public string SocketFolder => Path.Combine(DataFolder, "run");

    public override ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Host={Host};Port={Port};Username={UserName};Password={PasswordParameter}");
}
