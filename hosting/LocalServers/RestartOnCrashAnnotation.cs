using Aspire.Hosting.ApplicationModel;

namespace RealtimeSync.Hosting.LocalServers;

/// <summary>Marks a resource that <see cref="CrashRestarts"/> starts again when it crashes.</summary>
public sealed class RestartOnCrashAnnotation : IResourceAnnotation;
