namespace RealtimeSync.AppHost.Hosting;

/// <summary>Collects the application model, as Aspire's IDistributedApplicationBuilder.</summary>
public sealed class DistributedApplicationBuilder
{
    private readonly List<Resource> _resources = [];

    internal DistributedApplicationBuilder(string[] args)
    {
        Args = args;
        Configuration = new ConfigurationManager();
        Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true);
        Configuration.AddEnvironmentVariables();
        Configuration.AddCommandLine(args);
        IsPublishMode = args.Contains("publish") || Configuration["publisher"] == "manifest";
    }

    public string[] Args { get; }

    public ConfigurationManager Configuration { get; }

    /// <summary>True when writing the manifest rather than running (Aspire's ExecutionContext.IsPublishMode).</summary>
    public bool IsPublishMode { get; }

    public IReadOnlyList<Resource> Resources => _resources;

    /// <summary>Callbacks run once every resource is ready in a real run (not in tests, not in publish mode).</summary>
    internal List<Action<DistributedApplication>> StartedCallbacks { get; } = [];

    /// <summary>Runs <paramref name="callback"/> once everything is up, e.g. to tell a developer how to connect.</summary>
    public DistributedApplicationBuilder OnStarted(Action<DistributedApplication> callback)
    {
        StartedCallbacks.Add(callback);
        return this;
    }

    public ResourceBuilder<T> AddResource<T>(T resource) where T : Resource
    {
        if (_resources.Any(existing => string.Equals(existing.Name, resource.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidOperationException($"A resource named '{resource.Name}' already exists.");
        }

        _resources.Add(resource);
        return new ResourceBuilder<T>(this, resource);
    }

    public ResourceBuilder<ParameterResource> AddParameter(string name, bool secret = false, int minLength = 22, bool special = true) =>
        AddResource(new ParameterResource(name, secret, minLength, special));

    /// <summary>A parameter the operator sets in configuration (<paramref name="configurationKey"/>), as Aspire's AddParameterFromConfiguration.</summary>
    public ResourceBuilder<ParameterResource> AddParameterFromConfiguration(string name, string configurationKey, bool secret = false) =>
        AddResource(new ParameterResource(name, secret, 0, true, configurationKey));

    public DistributedApplication Build() => new(this);
}

/// <summary>The Add* verbs of Aspire's hosting integrations, for the servers this system uses.</summary>
public static class ResourceFactories
{
    public static ResourceBuilder<RedisResource> AddRedis(this DistributedApplicationBuilder builder, string name) =>
        builder.AddResource(new RedisResource(name, builder.AddGeneratedPassword(name, special: false)));

    public static ResourceBuilder<PostgresServerResource> AddPostgres(this DistributedApplicationBuilder builder, string name) =>
        builder.AddResource(new PostgresServerResource(name, builder.AddGeneratedPassword(name, special: true)));

    public static ResourceBuilder<PostgresDatabaseResource> AddDatabase(this ResourceBuilder<PostgresServerResource> server, string name, string? databaseName = null)
    {
        var database = new PostgresDatabaseResource(name, databaseName ?? name, server.Resource);
        server.Resource.Databases.Add(database);
        database.WaitsFor.Add(server.Resource);
        return server.ApplicationBuilder.AddResource(database);
    }

    public static ResourceBuilder<RabbitMQServerResource> AddRabbitMQ(this DistributedApplicationBuilder builder, string name) =>
        builder.AddResource(new RabbitMQServerResource(name, builder.AddGeneratedPassword(name, special: false)));

    public static ResourceBuilder<ProjectResource> AddProject<TProject>(this DistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new() =>
        builder.AddResource(new ProjectResource(name, new TProject()));

    /// <summary>Aspire keeps generated passwords out of the model's resource list and writes them after it; so do we.</summary>
    private static ParameterResource AddGeneratedPassword(this DistributedApplicationBuilder builder, string owner, bool special) =>
        new($"{owner}-password", secret: true, minLength: 22, special: special);
}
