using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;
using RealtimeSync.Hosting.LocalServers;

namespace Aspire.Hosting;

public static class RabbitMQServerExtensions
{
    /// <summary>
    /// RabbitMQ: Aspire's container in publish mode, Debian's server as a local process in run mode,
    /// with a private epmd so nothing outlives the AppHost.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddRabbitMQServer(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            return builder.AddRabbitMQ(name);
        }

        var folder = StateFolder.For(builder, name);
        var epmd = AddEpmd(builder, $"{name}-epmd", folder);
        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        var rabbit = new LocalRabbitMQResource(name, folder, password, epmd.Resource);

        var connectionString = ResolvedConnectionString.Track(builder, rabbit);
        IConnection? connection = null;
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(rabbit, (_, cancellationToken) => PrepareAsync(rabbit, cancellationToken));

        var healthCheck = $"{name}_check";
        builder.Services.AddHealthChecks().AddRabbitMQ(async _ =>
        {
            if (connection is not { IsOpen: true })
            {
                var factory = new ConnectionFactory { Uri = new Uri(connectionString()) };
                connection = await factory.CreateConnectionAsync();
            }

            return connection;
        }, name: healthCheck);

        return builder.AddResource(rabbit)
            .WithEndpoint(name: LocalServerResource.PrimaryEndpointName, scheme: "tcp", isProxied: false)
            .WithEndpoint(name: LocalRabbitMQResource.DistributionEndpointName, scheme: "tcp", isProxied: false)
            .WithArgs(context =>
            {
                foreach (var argument in SystemAccount.ArgumentsBefore(LocalRabbitMQResource.ServerProgram, LocalRabbitMQResource.SystemUser))
                {
                    context.Args.Add(argument);
                }
            })
            .WithEnvironment(context =>
            {
                var environment = context.EnvironmentVariables;
                environment["RABBITMQ_NODENAME"] = rabbit.NodeName;
                environment["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1";
                environment["RABBITMQ_NODE_PORT"] = rabbit.PrimaryEndpoint.Property(EndpointProperty.Port);
                environment["RABBITMQ_DIST_PORT"] = rabbit.DistributionEndpoint.Property(EndpointProperty.Port);
                environment["ERL_EPMD_PORT"] = epmd.Resource.PrimaryEndpoint.Property(EndpointProperty.Port);
                // The distribution listens on loopback only, and never starts an epmd of its own.
                environment["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1} -start_epmd false";
                environment["RABBITMQ_CTL_ERL_ARGS"] = "-start_epmd false";
                environment["RABBITMQ_MNESIA_BASE"] = Path.Combine(folder, "mnesia");
                environment["RABBITMQ_LOG_BASE"] = Path.Combine(folder, "log");
                environment["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(folder, "enabled_plugins");
                environment["RABBITMQ_CONFIG_FILE"] = rabbit.ConfigFile;
                environment["RABBITMQ_PID_FILE"] = Path.Combine(folder, "rabbitmq.pid");
                environment["RABBITMQ_LOGS"] = "-";
                // The script then execs Erlang instead of waiting on it in the background: one process for DCP to stop.
                environment["RUNNING_UNDER_SYSTEMD"] = "true";
                if (SystemAccount.IsRoot)
                {
                    environment["HOME"] = "/var/lib/rabbitmq"; // where the rabbitmq account keeps its Erlang cookie
                }
            })
            .WaitFor(epmd)
            .WithHealthCheck(healthCheck);
    }

    private static IResourceBuilder<EpmdResource> AddEpmd(IDistributedApplicationBuilder builder, string name, string folder)
    {
        var epmd = new EpmdResource(name, folder);
        var healthCheck = $"{name}_check";
        builder.Services.AddHealthChecks().Add(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckRegistration(
            healthCheck, _ => new TcpListeningCheck(() => epmd.PrimaryEndpoint.IsAllocated ? epmd.PrimaryEndpoint.Port : null), failureStatus: null, tags: null));
        return builder.AddResource(epmd)
            .WithEndpoint(name: EpmdResource.PrimaryEndpointName, scheme: "tcp", isProxied: false)
            .WithArgs(context =>
            {
                context.Args.Add("-address");
                context.Args.Add("127.0.0.1");
                context.Args.Add("-port");
                context.Args.Add(epmd.PrimaryEndpoint.Property(EndpointProperty.Port));
            })
            .WithHealthCheck(healthCheck);
    }

    private static async Task PrepareAsync(LocalRabbitMQResource rabbit, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.Combine(rabbit.DataFolder, "mnesia"));
        Directory.CreateDirectory(Path.Combine(rabbit.DataFolder, "log"));
        await File.WriteAllTextAsync(Path.Combine(rabbit.DataFolder, "enabled_plugins"), "[].", cancellationToken);
        await StateFolder.WritePrivateAsync(rabbit.ConfigFile, $"""
            default_user = {LocalRabbitMQResource.UserName}
            default_pass = {await rabbit.PasswordParameter.GetValueAsync(cancellationToken)}
            """, cancellationToken);
        await SystemAccount.OwnAsync(rabbit.DataFolder, LocalRabbitMQResource.SystemUser, cancellationToken);
    }
}
