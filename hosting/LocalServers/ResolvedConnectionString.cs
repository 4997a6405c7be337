using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace RealtimeSync.Hosting.LocalServers;

/// <summary>A resource's connection string once Aspire has resolved it (its endpoint allocated), for its health check.</summary>
internal static class ResolvedConnectionString
{
    public static Func<string> Track(IDistributedApplicationBuilder builder, IResourceWithConnectionString resource)
    {
        string? value = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(resource, async (_, cancellationToken) =>
            value = await resource.ConnectionStringExpression.GetValueAsync(cancellationToken));
        return () => value ?? throw new InvalidOperationException($"{resource.Name}'s connection string is not available yet.");
    }
}
