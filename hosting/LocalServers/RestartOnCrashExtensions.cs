using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RealtimeSync.Hosting.LocalServers;

namespace Aspire.Hosting;

public static class RestartOnCrashExtensions
{
    /// <summary>
    /// Starts the resource again, with backoff, when its process dies on its own (a non-zero exit that
    /// nobody asked for), as Kubernetes restarts a crashed pod. DCP alone would leave it stopped.
    /// </summary>
    public static IResourceBuilder<T> WithRestartOnCrash<T>(this IResourceBuilder<T> builder) where T : IResource
    {
        builder.ApplicationBuilder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, CrashRestarts>());
        return builder.WithAnnotation(new RestartOnCrashAnnotation(), ResourceAnnotationMutationBehavior.Replace);
    }
}
