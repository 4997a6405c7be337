var builder = DistributedApplication.CreateBuilder(args);

var redis = builder.AddRedis("redis");
var postgres = builder.AddPostgres("postgres");
var mergeDb = postgres.AddDatabase("mergedb");
var ingestDb = postgres.AddDatabase("ingestdb");
var rabbitmq = builder.AddRabbitMQ("rabbitmq");

// Development signing key for HS256 tokens; production sets Auth__Authority (JWKS) instead.
var jwtSigningKey = builder.AddParameter("jwt-signing-key", secret: true, minLength: 48, special: false);

var mergeApi = builder.AddProject<Projects.MergeApi>("merge-api")
    .WithReference(mergeDb).WaitFor(mergeDb)
    .WithReference(rabbitmq).WaitFor(rabbitmq)
    .WithEnvironment("Auth__SigningKey", jwtSigningKey);

var odooIngest = builder.AddProject<Projects.OdooIngest>("odoo-ingest")
    .WithReference(ingestDb).WaitFor(ingestDb)
    .WithReference(rabbitmq).WaitFor(rabbitmq)
    .WithEnvironment("Auth__SigningKey", jwtSigningKey);

builder.AddProject<Projects.ChangeNotifier>("change-notifier")
    .WithReference(redis).WaitFor(redis)
    .WithReference(rabbitmq).WaitFor(rabbitmq);

var pushGateway = builder.AddProject<Projects.PushGateway>("push-gateway")
    .WithReference(redis).WaitFor(redis)
    .WithEnvironment("Auth__SigningKey", jwtSigningKey)
    .WithReplicas(2);

builder.AddProject<Projects.Gateway>("gateway")
    .WithReference(mergeApi).WaitFor(mergeApi)
    .WithReference(odooIngest).WaitFor(odooIngest)
    .WithReference(pushGateway).WaitFor(pushGateway)
    .WithReference(redis).WaitFor(redis)
    .WithEnvironment("Auth__SigningKey", jwtSigningKey)
    .WithExternalHttpEndpoints()
    .WithEndpoint("http", endpoint => endpoint.Port = builder.Configuration.GetValue("Gateway:Port", 8080));

builder.OnStarted(app => Console.WriteLine($"""
    Dev JWT signing key (HS256, issuer and audience "realtimesync"): {app.GetParameterValue("jwt-signing-key")}
    Mint a token: dotnet run --project tools/Cli -- token --user alice --role editor
    """));

builder.Build().Run();
