using Aspire.Hosting.ApplicationModel;

namespace RealtimeSync.Hosting.LocalServers;

/// <summary>A database on a local PostgreSQL server, created once the server is ready (as Aspire's AddDatabase does).</summary>
public sealed class LocalPostgresDatabaseResource(string name, string databaseName, LocalPostgresResource parent)
    : Resource(name), IResourceWithParent<LocalPostgresResource>, IResourceWithConnectionString, IResourceWithWaitSupport
{
    public string DatabaseName { get; } = databaseName;

    public LocalPostgresResource Parent { get; } = parent;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Parent};Database={DatabaseName}");
}
