using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using RealtimeSync.ServiceDefaults.Auth;

namespace RealtimeSync.Bench;

/// <summary>
/// The whole system as the push benchmarks run it (bench/PushBench, bench/SideBySide): started from the AppHost's model on
/// the real servers, dashboard off, ports random, in a state folder of its own that is deleted afterwards. Services run
/// in the Testing environment, so merge-api accepts the t* collections and push-gateway sends heartbeats every 2 s.
/// </summary>
internal sealed class RealtimeSyncApp : IAsyncDisposable
{
    private readonly string _state;
    private readonly string _signingKey;

    private RealtimeSyncApp(DistributedApplication app, string state, string signingKey)
    {
        App = app;
        _state = state;
        _signingKey = signingKey;
        Gateway = app.GetEndpoint("gateway", "http");
    }

    public DistributedApplication App { get; }

    /// <summary>Where clients reach the system: the gateway's address.</summary>
    public Uri Gateway { get; }

    public static Task<RealtimeSyncApp> StartAsync(CancellationToken cancellationToken) => StartAsync(null, cancellationToken);

    /// <param name="configure">Changes to the model or the host before it is built (bench/SideBySide quiets its logs).</param>
    /// <param name="cancellationToken">Ends the start.</param>
    public static async Task<RealtimeSyncApp> StartAsync(Action<IDistributedApplicationTestingBuilder>? configure, CancellationToken cancellationToken)
    {
        var state = Path.Combine(Path.GetTempPath(), "realtimesync-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [$"--AppHost:StateDirectory={state}", "--AppHost:Durable=false"], (options, _) => options.DisableDashboard = true, cancellationToken);
        foreach (var project in builder.Resources.OfType<ProjectResource>().ToList())
        {
            builder.CreateResourceBuilder(project).WithEnvironment("ASPNETCORE_ENVIRONMENT", "Testing").WithEnvironment("DOTNET_ENVIRONMENT", "Testing");
        }

        configure?.Invoke(builder);
        var signingKey = builder.Resources.OfType<ParameterResource>().Single(parameter => parameter.Name == "jwt-signing-key");
        var app = await builder.BuildAsync(cancellationToken);
        try
        {
            await app.StartAsync(cancellationToken);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("gateway", cancellationToken);
            return new RealtimeSyncApp(app, state, await signingKey.GetValueAsync(cancellationToken) ?? string.Empty);
        }
        catch
        {
            await app.DisposeAsync();
            DeleteState(state);
            throw;
        }
    }

    /// <summary>A token signed with the key the services were started with, as an identity provider would issue it.</summary>
    public string Token(string user, params string[] roles) => DevTokens.Create(_signingKey, user, roles);

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        DeleteState(_state);
    }

    private static void DeleteState(string state)
    {
        try
        {
            if (Directory.Exists(state))
            {
                Directory.Delete(state, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A server still writing as it stops: the folder is in the temp directory and only costs space.
        }
    }
}
