using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using RealtimeSync.Hosting.LocalServers;

namespace Aspire.Hosting;

public static class PostgresServerExtensions
{
    /// <summary>
    /// PostgreSQL: Aspire's container in publish mode, Debian's server as a local process in run mode
    /// (a password on every connection; its socket folder its owner's alone).
    /// </summary>
    public static PostgresServer AddPostgresServer(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            var container = builder.AddPostgres(name);
            return new PostgresServer(container, database => container.AddDatabase(database));
        }

        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        var postgres = new LocalPostgresResource(name, StateFolder.For(builder, name), password);
        var durable = StateFolder.Durable(builder);

        var connectionString = ResolvedConnectionString.Track(builder, postgres);
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(postgres, (_, cancellationToken) => LocalPostgresCluster.PrepareAsync(postgres, cancellationToken));
        builder.Eventing.Subscribe<ResourceReadyEvent>(postgres, (@event, cancellationToken) => LocalPostgresCluster.CreateDatabasesAsync(postgres, @event.Services, cancellationToken));

        var healthCheck = $"{name}_check";
        builder.Services.AddHealthChecks().AddNpgSql(_ => connectionString(), name: healthCheck);

        var server = builder.AddResource(postgres)
            .WithEndpoint(name: LocalServerResource.PrimaryEndpointName, scheme: "tcp", isProxied: false)
            .WithArgs(context =>
            {
                foreach (var argument in SystemAccount.ArgumentsBefore(LocalPostgresResource.ServerProgram, LocalPostgresResource.SystemUser))
                {
                    context.Args.Add(argument);
                }

                context.Args.Add("-D");
                context.Args.Add(postgres.ClusterFolder);
                context.Args.Add("-p");
                context.Args.Add(postgres.PrimaryEndpoint.Property(EndpointProperty.Port));
                string[] settings = ["listen_addresses=127.0.0.1", $"unix_socket_directories={postgres.SocketFolder}", "unix_socket_permissions=0700", "max_connections=300"];
                string[] fast = ["fsync=off", "synchronous_commit=off", "full_page_writes=off"];
                foreach (var setting in durable ? settings : [.. settings, .. fast])
                {
                    context.Args.Add("-c");
                    context.Args.Add(setting);
                }
            })
            .WithHealthCheck(healthCheck);

        return new PostgresServer(server, database => AddLocalDatabase(server, database));
    }

    private static IResourceBuilder<LocalPostgresDatabaseResource> AddLocalDatabase(IResourceBuilder<LocalPostgresResource> server, string name)
    {
        var builder = server.ApplicationBuilder;
        var database = new LocalPostgresDatabaseResource(name, name, server.Resource);
        server.Resource.Databases.Add(database);

        var connectionString = ResolvedConnectionString.Track(builder, database);

        var healthCheck = $"{name}_check";
        builder.Services.AddHealthChecks().AddNpgSql(_ => connectionString(), name: healthCheck);
        return builder.AddResource(database)
            .WithInitialState(new CustomResourceSnapshot { ResourceType = "PostgresDatabase", Properties = [], State = KnownResourceStates.NotStarted })
            .WithHealthCheck(healthCheck);
    }
}
