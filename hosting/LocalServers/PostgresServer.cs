using Aspire.Hosting.ApplicationModel;

namespace RealtimeSync.Hosting.LocalServers;

/// <summary>A PostgreSQL server in the model, whichever resource plays it (Aspire's container or the local process), and its databases.</summary>
public sealed class PostgresServer(IResourceBuilder<IResourceWithConnectionString> server, Func<string, IResourceBuilder<IResourceWithConnectionString>> addDatabase)
{
    public IResourceBuilder<IResourceWithConnectionString> Server { get; } = server;

    /// <summary>A database on this server, created when the server is ready.</summary>
    public IResourceBuilder<IResourceWithConnectionString> AddDatabase([ResourceName] string name) => addDatabase(name);
}
