using MassTransit;
using RealtimeSync.ChangeNotifier.Notifications;

namespace Microsoft.Extensions.Hosting;

public static class ChangeNotifierExtensions
{
    public static IHostApplicationBuilder AddChangeNotifier(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient("redis");
        builder.AddTopicLog();
        builder.Services.Configure<RealtimeOptions>(builder.Configuration.GetSection("Realtime"));
        builder.AddRabbitMqBus("rabbitmq", bus => bus.AddConsumer<RecordChangesConsumer, RecordChangesConsumerDefinition>());

        // Events it cannot apply: kept in Redis, counted, and shown in readiness.
        builder.Services.Configure<SetAsideOptions>(builder.Configuration.GetSection("SetAside"));
        builder.Services.AddSingleton<SetAsideEvents>();
        builder.Services.AddSingleton<SetAsideEventsGauge>();
        builder.Services.AddHostedService(services => services.GetRequiredService<SetAsideEventsGauge>());
        builder.Services.AddHealthChecks().AddCheck<SetAsideEventsCheck>("notifier-set-aside");
        return builder;
    }
}
