using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using RealtimeSync.Hosting.LocalServers;

namespace Aspire.Hosting;

public static class RedisServerExtensions
{
    /// <summary>
    /// Redis: Aspire's container in publish mode (so the manifest describes what a deployment runs),
    /// Debian's redis-server as a local process in run mode.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddRedisServer(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            return builder.AddRedis(name);
        }

        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        var redis = new LocalRedisResource(name, StateFolder.For(builder, name), password);

        var connectionString = ResolvedConnectionString.Track(builder, redis);
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(redis, async (_, cancellationToken) =>
            await StateFolder.WritePrivateAsync(redis.ConfigFile, $"""
                requirepass "{await password.GetValueAsync(cancellationToken)}"
                bind 127.0.0.1
                save ""
                appendonly no
                dir "{redis.DataFolder}"
                """, cancellationToken));

        var healthCheck = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis(_ => connectionString(), name: healthCheck);

        return builder.AddResource(redis)
            .WithEndpoint(name: LocalServerResource.PrimaryEndpointName, scheme: "tcp", isProxied: false)
            .WithArgs(context =>
            {
                context.Args.Add(redis.ConfigFile);
                context.Args.Add("--port");
                context.Args.Add(redis.PrimaryEndpoint.Property(EndpointProperty.Port));
            })
            .WithHealthCheck(healthCheck);
    }
}
