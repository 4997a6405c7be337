namespace RealtimeSync.AppHost.Hosting.Orchestration.Runners;

/// <summary>Runs each replica of a service from its built assembly, and waits for its /health.</summary>
internal sealed class ProjectRunner(ProjectResource project, RunContext context) : IResourceRunner
{
    private readonly List<SupervisedProcess> _replicas = [];

    public Resource Resource => project;

    public IReadOnlyList<SupervisedProcess> Replicas => _replicas;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var assembly = project.Metadata.TargetPath;
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException($"{project.Name} is not built ({assembly} is missing); run 'dotnet build' first (./run does).");
        }

        var starting = new List<Task>();
        for (var replica = 0; replica < project.Replicas; replica++)
        {
            var environment = ProjectEnvironment.ForRun(project, replica, context.Options.Environment, context.Options.OtlpEndpoint);
            var process = context.Supervise(
                new ProcessSpec(project.ReplicaName(replica), "dotnet", [assembly], environment, Path.GetDirectoryName(assembly)!),
                Readiness.Http(context.Probe, project.HttpEndpoint.Url(replica) + "/health"));
            _replicas.Add(process);
            starting.Add(process.StartAsync(cancellationToken));
        }

        await Task.WhenAll(starting);
    }

    /// <summary>SIGTERM lets ASP.NET Core drain requests and close WebSockets within its shutdown timeout.</summary>
    public Task StopAsync() => Task.WhenAll(_replicas.Select(replica => replica.StopAsync(Signals.Terminate, TimeSpan.FromSeconds(20))));

    /// <summary>Stops one replica without restarting it (tests: an instance failure).</summary>
    public Task KillReplicaAsync(int replica) => _replicas[replica].StopAsync(Signals.Kill, TimeSpan.FromSeconds(5));
}
