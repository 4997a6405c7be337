using System.Reflection;

namespace RealtimeSync.AppHost.Hosting.Testing;

/// <summary>
/// As Aspire.Hosting.Testing: runs the AppHost's own entry point (the same model as ./run) but takes the
/// built application instead of letting it run, so a test starts, probes and disposes it.
/// </summary>
public sealed class DistributedApplicationTestingBuilder
{
    private readonly DistributedApplication _application;

    private DistributedApplicationTestingBuilder(DistributedApplication application) => _application = application;

    public IReadOnlyList<Resource> Resources => _application.Resources;

    /// <param name="args">Extra AppHost arguments, e.g. <c>--AppHost:StateDirectory=...</c> or <c>--Gateway:Port=0</c>.</param>
    public static async Task<DistributedApplicationTestingBuilder> CreateAsync<TEntryPoint>(params string[] args)
    {
        var entryPoint = typeof(TEntryPoint).Assembly.EntryPoint
            ?? throw new InvalidOperationException($"{typeof(TEntryPoint).Assembly.GetName().Name} has no entry point.");
        DistributedApplication? captured = null;
        await Task.Run(() =>
        {
            DistributedApplication.Capture.Value = application => captured = application;
            try
            {
                entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? [] : [args]);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                throw ex.InnerException;
            }
        });
        return new DistributedApplicationTestingBuilder(
            captured ?? throw new InvalidOperationException("The AppHost's entry point returned without building an application."));
    }

    public Task<DistributedApplication> BuildAsync() => Task.FromResult(_application);
}
