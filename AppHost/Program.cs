var builder = DistributedApplication.CreateBuilder(args);

var redis = builder.AddRedis("redis");
var postgres = builder.AddPostgres("postgres");
var mergeDb = postgres.AddDatabase("mergedb");
var ingestDb = postgres.AddDatabase("ingestdb");
var rabbitmq = builder.AddRabbitMQ("rabbitmq");

var mergeApi = builder.AddProject<Projects.MergeApi>("merge-api")
    .WithReference(mergeDb).WaitFor(mergeDb)
    .WithReference(rabbitmq).WaitFor(rabbitmq);

var odooIngest = builder.AddProject<Projects.OdooIngest>("odoo-ingest")
    .WithReference(ingestDb).WaitFor(ingestDb)
    .WithReference(rabbitmq).WaitFor(rabbitmq);

builder.AddProject<Projects.ChangeNotifier>("change-notifier")
    .WithReference(redis).WaitFor(redis)
    .WithReference(rabbitmq).WaitFor(rabbitmq);

var pushGateway = builder.AddProject<Projects.PushGateway>("push-gateway")
    .WithReference(redis).WaitFor(redis)
    .WithReplicas(2);

builder.AddProject<Projects.Gateway>("gateway")
    .WithReference(mergeApi).WaitFor(mergeApi)
    .WithReference(odooIngest).WaitFor(odooIngest)
    .WithReference(pushGateway).WaitFor(pushGateway)
    .WithExternalHttpEndpoints()
    .WithEndpoint("http", endpoint => endpoint.Port = builder.Configuration.GetValue("Gateway:Port", 8080));

builder.Build().Run();
