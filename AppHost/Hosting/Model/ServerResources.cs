namespace RealtimeSync.AppHost.Hosting.Model;

/// <summary>
/// A server that Aspire would run as a container. Here it runs as a local process (see Orchestration);
/// <see cref="Image"/> and <see cref="ContainerEnvironment"/> describe the container for the manifest.
/// </summary>
public abstract class ServerResource : Resource, IResourceWithConnectionString, IResourceWithEndpoints
{
    protected ServerResource(string name, ParameterResource password, int targetPort) : base(name)
    {
        Password = password;
        PrimaryEndpoint = new EndpointAnnotation(this, "tcp", "tcp", "tcp", targetPort);
    }

    public ParameterResource Password { get; }

    public EndpointAnnotation PrimaryEndpoint { get; }

    public IReadOnlyList<EndpointAnnotation> Endpoints => [PrimaryEndpoint];

    public abstract string Image { get; }

    public virtual string? Entrypoint => null;

    public virtual IReadOnlyList<string> Args => [];

    public abstract IReadOnlyList<(string Name, object Value)> ContainerEnvironment { get; }

    public abstract ReferenceExpression ConnectionStringExpression { get; }

    protected EndpointReference Host => new(PrimaryEndpoint, EndpointProperty.Host);

    protected EndpointReference Port => new(PrimaryEndpoint, EndpointProperty.Port);
}

public sealed class RedisResource(string name, ParameterResource password) : ServerResource(name, password, 6379)
{
    // The image matches the redis-server these tests run against (Debian 12's 7.0).
    public override string Image => "docker.io/library/redis:7.0";

    public override string? Entrypoint => "/bin/sh";

    public override IReadOnlyList<string> Args => ["-c", "redis-server --requirepass $REDIS_PASSWORD"];

    public override IReadOnlyList<(string, object)> ContainerEnvironment => [("REDIS_PASSWORD", Password)];

    public override ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create(Host, ":", Port, ",password=", Password);
}

public sealed class PostgresServerResource(string name, ParameterResource password) : ServerResource(name, password, 5432)
{
    public const string UserName = "postgres";

    public List<PostgresDatabaseResource> Databases { get; } = [];

    public override string Image => "docker.io/library/postgres:15";

    public override IReadOnlyList<(string, object)> ContainerEnvironment =>
    [
        ("POSTGRES_HOST_AUTH_METHOD", "scram-sha-256"),
        ("POSTGRES_INITDB_ARGS", "--auth-host=scram-sha-256 --auth-local=scram-sha-256"),
        ("POSTGRES_USER", UserName),
        ("POSTGRES_PASSWORD", Password),
    ];

    public override ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create("Host=", Host, ";Port=", Port, $";Username={UserName};Password=", Password);
}

/// <summary>A database on a PostgreSQL server; created by the AppHost once the server is ready (as Aspire 9.1+ does).</summary>
public sealed class PostgresDatabaseResource(string name, string databaseName, PostgresServerResource parent) : Resource(name), IResourceWithConnectionString
{
    public string DatabaseName { get; } = databaseName;

    public PostgresServerResource Parent { get; } = parent;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create(new ConnectionStringReference(Parent), $";Database={DatabaseName}");
}

public sealed class RabbitMQServerResource(string name, ParameterResource password) : ServerResource(name, password, 5672)
{
    public const string UserName = "guest";

    public override string Image => "docker.io/library/rabbitmq:3.10";

    public override IReadOnlyList<(string, object)> ContainerEnvironment =>
        [("RABBITMQ_DEFAULT_USER", UserName), ("RABBITMQ_DEFAULT_PASS", Password)];

    public override ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"amqp://{UserName}:", Password, "@", Host, ":", Port);
}
