using RealtimeSync.PushGateway;
using RealtimeSync.PushGateway.Access;
using RealtimeSync.PushGateway.Delivery;
using RealtimeSync.PushGateway.Http;
using RealtimeSync.PushGateway.Presence;
using RealtimeSync.PushGateway.ServerSentEvents;
using RealtimeSync.PushGateway.WebSockets;

namespace Microsoft.Extensions.Hosting;

public static class PushGatewayExtensions
{
    public static IHostApplicationBuilder AddPushGateway(this IHostApplicationBuilder builder)
    {
        GatewayPort.AddTo(builder);
        builder.AddDefaultAuthentication();
        builder.AddApiDocument("sync", "Sync API (push-gateway)",
            "Delivery of every committed change to the screens that show it: Server-Sent Events and polling here, WebSocket at `/ws` "
            + "(the same messages; its frames are in docs/architecture.md, the push protocol). A topic is `records/<collection>`, "
            + "`records/<collection>/<id>`, `users/<id>` or `broadcast`; each has an epoch and strictly increasing offsets, so a client "
            + "resumes from its last position on any instance. Every endpoint needs a signed-in user; broadcasting, the admin role.");
        builder.AddRedisClient("redis");
        builder.AddOutageException<StackExchange.Redis.RedisException>(); // polling and sending answer 503 while Redis is away
        builder.AddTopicLog();
        builder.Services.Configure<PushGatewayOptions>(builder.Configuration.GetSection("PushGateway"));
        builder.Services.AddOptions<PushGatewayOptions>()
            .Validate(options => options.ConnectionLease >= TimeSpan.FromSeconds(3), "PushGateway:ConnectionLease must be at least 3 seconds: it is renewed every third of it, and a renewal may take 1 s.")
            .ValidateOnStart();
        builder.Services.PostConfigure<PushGatewayOptions>(options =>
            options.InstanceId = string.IsNullOrEmpty(options.InstanceId) ? InstanceIdentity.Resolve(builder.Configuration) : options.InstanceId);
        builder.Services.Configure<TopicAccessOptions>(builder.Configuration.GetSection("Topics"));
        builder.Services.AddSingleton<TopicAccess>();
        builder.Services.AddSingleton<TokenValidator>();
        builder.Services.AddSingleton<IConnectionCounts, RedisConnectionCounts>();
        builder.Services.AddSingleton<ConnectionLeases>();
        builder.Services.AddHostedService<LeaseRenewal>();
        builder.Services.AddSingleton<ConnectionQuota>();
        builder.Services.AddSingleton<SubscriptionRegistry>();
        builder.Services.AddSingleton<Subscriptions>();
        builder.Services.AddHostedService<RedisFanout>();
        builder.AddPresence();
        builder.Services.AddSingleton<InstanceStats>();
        builder.Services.AddSingleton<UserQueues>();
        builder.Services.AddSingleton<UserMessages>();
        builder.Services.AddHostedService(services => services.GetRequiredService<InstanceStats>());
        return builder;
    }

    public static WebApplication MapPushGateway(this WebApplication app)
    {
        app.MapApiDocument();
        app.UseWebSockets();
        app.MapWebSocketEndpoint();
        app.MapStreamEndpoint();
        app.MapPollEndpoint();
        app.MapSendEndpoints();
        app.MapStatusEndpoints();
        app.MapPresenceEndpoint();
        return app;
    }
}
