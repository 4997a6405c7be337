var builder = DistributedApplication.CreateBuilder(args);

// Each service's readiness (ServiceDefaults): WaitFor waits for it, and nothing is sent to a service before it answers.
const string HealthPath = "/health";

var redis = builder.AddRedisServer("redis");
var postgres = builder.AddPostgresServer("postgres");
var mergeDb = postgres.AddDatabase("mergedb");
var ingestDb = postgres.AddDatabase("ingestdb");
var rabbitmq = builder.AddRabbitMQServer("rabbitmq");

// Development signing key for HS256 tokens; production sets Auth__Authority (JWKS) instead.
var jwtSigningKey = builder.AddParameter("jwt-signing-key", new GenerateParameterDefault { MinLength = 48, Special = false }, secret: true, persist: true);

// A single-instance service listens on its own port: DCP's proxy in front of it would relay every byte once more
// (decision 0021). Replicas keep the proxy, which DCP requires for them.
var mergeApi = builder.AddProject<Projects.MergeApi>("merge-api")
    .WithEndpoint("http", Proxyless)
    .WithHttpHealthCheck(HealthPath)
    .WithReference(mergeDb).WaitFor(mergeDb)
    .WithReference(rabbitmq).WaitFor(rabbitmq)
    .WithEnvironment("Auth__SigningKey", jwtSigningKey)
    .WithRestartOnCrash();

// The secret Odoo's webhook automation puts in its URL to hint a stream's run (docs/odoo-webhooks.md).
var hintSecret = builder.AddParameter("odoo-hint-secret", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);

var odooIngest = builder.AddProject<Projects.OdooIngest>("odoo-ingest")
    .WithEndpoint("http", Proxyless)
    .WithHttpHealthCheck(HealthPath)
    .WithReference(ingestDb).WaitFor(ingestDb)
    .WithReference(rabbitmq).WaitFor(rabbitmq)
    .WithEnvironment("Auth__SigningKey", jwtSigningKey)
    .WithEnvironment("Hints__Secret", hintSecret)
    .WithRestartOnCrash();

var realOdoo = builder.ExecutionContext.IsPublishMode || !string.IsNullOrEmpty(builder.Configuration["Odoo:Url"]);
if (realOdoo)
{
    var protocol = builder.Configuration["Odoo:Protocol"] ?? "auto";
    odooIngest
        .WithEnvironment("Odoo__Url", builder.AddParameterFromConfiguration("odoo-url", "Odoo:Url"))
        .WithEnvironment("Odoo__Database", builder.AddParameterFromConfiguration("odoo-database", "Odoo:Database"))
        .WithEnvironment("Odoo__Login", builder.AddParameterFromConfiguration("odoo-login", "Odoo:Login"))
        .WithEnvironment("Odoo__Protocol", protocol);

    // Only the secrets the protocol authenticates with: JSON-2 an API key; XML-RPC a password (an API key also
    // serves as one); auto whichever is configured, a password when neither is (it works with every Odoo).
    var hasPassword = !string.IsNullOrEmpty(builder.Configuration["Odoo:Password"]);
    var hasApiKey = !string.IsNullOrEmpty(builder.Configuration["Odoo:ApiKey"]);
    var wantsApiKey = protocol == "json2" || (hasApiKey && (protocol == "auto" || !hasPassword));
    var wantsPassword = protocol != "json2" && (hasPassword || !wantsApiKey);
    if (wantsPassword)
    {
        odooIngest.WithEnvironment("Odoo__Password", builder.AddParameterFromConfiguration("odoo-password", "Odoo:Password", secret: true));
    }

    if (wantsApiKey)
    {
        odooIngest.WithEnvironment("Odoo__ApiKey", builder.AddParameterFromConfiguration("odoo-api-key", "Odoo:ApiKey", secret: true));
    }
}
else
{
    // DEMO ONLY: with no Odoo configured, ./run syncs from a simulated Odoo so the whole path can be watched.
    var odooDemo = builder.AddProject<Projects.OdooSimulator>("odoo-demo");
    odooIngest.WaitFor(odooDemo)
        .WithEnvironment("Odoo__Url", odooDemo.GetEndpoint("http"))
        .WithEnvironment("Odoo__Database", "demo")
        .WithEnvironment("Odoo__ApiKey", "demo-api-key")
        .WithEnvironment("Odoo__Password", "admin");
}

builder.AddProject<Projects.ChangeNotifier>("change-notifier")
    .WithHttpHealthCheck(HealthPath)
    .WithReference(redis).WaitFor(redis)
    .WithReference(rabbitmq).WaitFor(rabbitmq)
    .WithRestartOnCrash();

// push-gateway runs as two instances. Kubernetes gets one deployment of two replicas behind its Service; in run mode DCP
// would proxy replicas (every pushed byte relayed once more), so they are two resources on ports of their own, each a
// destination of the gateway (decision 0021).
IResourceBuilder<ProjectResource>[] pushGateways = builder.ExecutionContext.IsPublishMode
    ? [PushGateway("push-gateway").WithReplicas(2)]
    : [RunModeInstance(PushGateway("push-gateway-1")), RunModeInstance(PushGateway("push-gateway-2"))];

var gateway = builder.AddProject<Projects.Gateway>("gateway")
    .WithEndpoint("http", Proxyless)
    .WithHttpHealthCheck(HealthPath)
    .WithReference(mergeApi).WaitFor(mergeApi)
    .WithReference(odooIngest).WaitFor(odooIngest)
    .WithReference(redis).WaitFor(redis)
    .WithEnvironment("Auth__SigningKey", jwtSigningKey)
    .WithExternalHttpEndpoints()
    .WithRestartOnCrash();
if (pushGateways is [var deployment])
{
    gateway.WithReference(deployment).WaitFor(deployment);
}
else
{
    for (var i = 0; i < pushGateways.Length; i++)
    {
        // As service discovery names them for a service with an address per instance: http://_http2.push-gateway is every
        // instance's http2 endpoint, the one the gateway forwards to.
        gateway.WithEnvironment($"services__push-gateway__http2__{i}", pushGateways[i].GetEndpoint("http2")).WaitFor(pushGateways[i]);
    }

    // Each instance is a destination of its own, so its WebSockets can share HTTP/2 connections (decision 0026). Behind
    // Kubernetes' Service, which balances connections, not streams, the gateway keeps HTTP/1.1.
    gateway.WithEnvironment("Gateway__Http2Services__0", "push-gateway");
}

if (builder.ExecutionContext.IsRunMode)
{
    // The backoffice page (clients/apps/backoffice, built by ./run and ./test) and its demo sign-in, with the dev key.
    gateway.WithEnvironment("Backoffice__Root", Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "clients", "apps", "backoffice", "dist")))
        .WithEnvironment("Backoffice__DemoSignIn", "true");
}

if (int.TryParse(builder.Configuration["Gateway:Port"], out var gatewayPort) && gatewayPort > 0)
{
    gateway.WithEndpoint("http", endpoint => endpoint.Port = endpoint.TargetPort = gatewayPort);
}

// The dashboard's address and login token, when it runs (./run; tests turn it off).
var dashboard = builder.Configuration["AppHost:BrowserToken"] is { Length: > 0 } browserToken
    ? $"{Environment.NewLine}Dashboard: {builder.Configuration["ASPNETCORE_URLS"]?.Split(';')[0]}/login?t={browserToken}"
    : string.Empty;
builder.Eventing.Subscribe<ResourceReadyEvent>(gateway.Resource, async (_, cancellationToken) => Console.WriteLine($"""
    Gateway: http://127.0.0.1:{gateway.GetEndpoint("http").Port}
    Backoffice page: http://127.0.0.1:{gateway.GetEndpoint("http").Port}/ (sign in as a demo user){dashboard}
    Dev JWT signing key (HS256, issuer and audience "realtimesync"): {await jwtSigningKey.Resource.GetValueAsync(cancellationToken)}
    Mint a token: dotnet run --project tools/Cli -- token --user alice --role editor
    Odoo: {(realOdoo ? builder.Configuration["Odoo:Url"] : "DEMO simulator (no Odoo configured; set Odoo__Url, Odoo__Database, Odoo__Login, Odoo__Password or Odoo__ApiKey to sync a real one)")}
    Odoo webhook hint (docs/odoo-webhooks.md): POST http://127.0.0.1:{gateway.GetEndpoint("http").Port}/api/ingest/hints/<stream>?secret={await hintSecret.Resource.GetValueAsync(cancellationToken)}
    """));

builder.Build().Run();

IResourceBuilder<ProjectResource> PushGateway(string name) => builder.AddProject<Projects.PushGateway>(name)
    .WithHttpHealthCheck(HealthPath, endpointName: "http")
    .WithReference(redis).WaitFor(redis)
    .WithEnvironment("Auth__SigningKey", jwtSigningKey)
    .WithEnvironment("OTEL_SERVICE_NAME", "push-gateway") // one service in traces and metrics, whichever instance
    .WithRestartOnCrash();

// The port comes from DCP (or Gateway:Port) rather than the launch profile, which is a proxied one's.
static void Proxyless(EndpointAnnotation endpoint) => (endpoint.IsProxied, endpoint.Port, endpoint.TargetPort) = (false, null, null);

// A run-mode instance listens twice, with no proxy: http (HTTP/1.1) for clients and probes that come straight to it, and http2
// (HTTP/2 only, in cleartext, named by PushGateway:GatewayPort) for the gateway (decision 0026).
static IResourceBuilder<ProjectResource> RunModeInstance(IResourceBuilder<ProjectResource> instance)
{
    instance.WithEndpoint("http", Proxyless).WithHttpEndpoint(name: "http2").WithEndpoint("http2", endpoint =>
    {
        Proxyless(endpoint);
        endpoint.Transport = "http2";
    });
    return instance.WithEnvironment("PushGateway__GatewayPort", instance.GetEndpoint("http2").Property(EndpointProperty.TargetPort));
}
