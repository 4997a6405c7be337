using RealtimeSync.AppHost.Hosting.Orchestration.Runners;

namespace RealtimeSync.AppHost.Hosting.Orchestration;

/// <summary>
/// Plays DCP's part: gives parameters their values and endpoints their ports, starts every resource
/// once what it waits for is ready (independent ones in parallel), and stops dependents before
/// what they depend on.
/// </summary>
public sealed class Orchestrator(IReadOnlyList<Resource> resources, RunContext context, IConfiguration configuration)
{
    private readonly Dictionary<Resource, IResourceRunner> _runners = [];
    private readonly Dictionary<Resource, Task> _ready = [];

    public RunContext Context => context;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        context.State.Acquire();
        AssignParameters();
        AllocatePorts();
        context.Log.Host($"state and logs in {context.State.Path}");
        try
        {
            await Task.WhenAll(resources.Select(resource => ReadyAsync(resource, cancellationToken)));
        }
        catch
        {
            await StopAsync();
            throw;
        }
    }

    public async Task StopAsync()
    {
        foreach (var level in resources.GroupBy(Depth).OrderByDescending(group => group.Key))
        {
            await Task.WhenAll(level.Where(_runners.ContainsKey).Select(resource => StopQuietlyAsync(_runners[resource])));
        }
    }

    public IResourceRunner Runner(string name) =>
        _runners.First(pair => pair.Key.Name == name).Value;

    /// <summary>Stops one resource (no restart), keeping its ports for a later <see cref="StartResourceAsync"/>.</summary>
    public Task StopResourceAsync(string name) => Runner(name).StopAsync();

    public async Task StartResourceAsync(string name, CancellationToken cancellationToken)
    {
        var resource = resources.First(candidate => candidate.Name == name);
        var runner = CreateRunner(resource);
        _runners[resource] = runner;
        await runner.StartAsync(cancellationToken);
    }

    private Task ReadyAsync(Resource resource, CancellationToken cancellationToken)
    {
        if (!_ready.TryGetValue(resource, out var ready))
        {
            ready = StartAfterDependenciesAsync(resource, cancellationToken);
            _ready[resource] = ready;
        }

        return ready;
    }

    private async Task StartAfterDependenciesAsync(Resource resource, CancellationToken cancellationToken)
    {
        await Task.WhenAll(resource.WaitsFor.Select(dependency => ReadyAsync(dependency, cancellationToken)));
        var runner = CreateRunner(resource);
        _runners[resource] = runner;
        context.Log.Host($"starting {resource.Name}");
        await runner.StartAsync(cancellationToken);
        context.Log.Host($"{resource.Name} is ready");
    }

    private IResourceRunner CreateRunner(Resource resource) => resource switch
    {
        RedisResource redis => new RedisRunner(redis, context),
        PostgresServerResource postgres => new PostgresRunner(postgres, context),
        PostgresDatabaseResource database => new DatabaseRunner(database),
        RabbitMQServerResource rabbit => new RabbitMqRunner(rabbit, context),
        ProjectResource project => new ProjectRunner(project, context),
        ParameterResource parameter => new ReadyAtOnce(parameter),
        _ => throw new NotSupportedException($"No runner for {resource.GetType().Name} '{resource.Name}'."),
    };

    private void AssignParameters()
    {
        var secrets = context.State.LoadSecrets();
        var parameters = resources.OfType<ParameterResource>().Concat(resources.OfType<ServerResource>().Select(server => server.Password));
        foreach (var parameter in parameters)
        {
            if (parameter.ConfigurationKey is { } key)
            {
                parameter.SetValue(configuration[key] ?? configuration[$"Parameters:{parameter.Name}"]
                    ?? throw new InvalidOperationException($"Parameter '{parameter.Name}' needs a value: set {key} (or Parameters:{parameter.Name})."));
                continue;
            }

            if (!secrets.TryGetValue(parameter.Name, out var value))
            {
                value = parameter.Generate();
                secrets[parameter.Name] = value;
            }

            parameter.SetValue(value);
        }

        context.State.SaveSecrets(secrets);
    }

    private void AllocatePorts()
    {
        foreach (var resource in resources.OfType<IResourceWithEndpoints>())
        {
            var replicas = resource is ProjectResource project ? project.Replicas : 1;
            foreach (var endpoint in resource.Endpoints.Where(endpoint => endpoint.AllocatedPorts.Count == 0))
            {
                for (var replica = 0; replica < replicas; replica++)
                {
                    if (replica == 0 && endpoint.Port > 0)
                    {
                        PortAllocator.EnsureFree(endpoint.Port, resource.Name);
                        endpoint.AllocatedPorts.Add(endpoint.Port);
                    }
                    else
                    {
                        endpoint.AllocatedPorts.Add(PortAllocator.Free());
                    }
                }
            }
        }
    }

    private static int Depth(Resource resource) =>
        resource.WaitsFor.Count == 0 ? 0 : 1 + resource.WaitsFor.Max(Depth);

    private async Task StopQuietlyAsync(IResourceRunner runner)
    {
        try
        {
            await runner.StopAsync();
        }
        catch (Exception ex)
        {
            context.Log.Host($"stopping {runner.Resource.Name} failed: {ex.Message}");
        }
    }

    /// <summary>A resource with nothing to run (a parameter): ready as soon as it has its value.</summary>
    private sealed class ReadyAtOnce(Resource resource) : IResourceRunner
    {
        public Resource Resource => resource;

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync() => Task.CompletedTask;
    }
}
