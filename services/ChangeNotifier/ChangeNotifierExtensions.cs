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
        builder.AddRabbitMqBus("rabbitmq", bus => bus.AddConsumer<RecordChangedConsumer, RecordChangedConsumerDefinition>());
        return builder;
    }
}
