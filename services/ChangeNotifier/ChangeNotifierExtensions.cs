using MassTransit;
using RealtimeSync.ChangeNotifier.Notifications;
using RealtimeSync.ChangeNotifier.Topics;

namespace Microsoft.Extensions.Hosting;

public static class ChangeNotifierExtensions
{
    public static IHostApplicationBuilder AddChangeNotifier(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient("redis");
        builder.Services.Configure<TopicLogOptions>(builder.Configuration.GetSection("TopicLog"));
        builder.Services.AddSingleton<TopicLog>();
        builder.AddRabbitMqBus("rabbitmq", bus => bus.AddConsumer<RecordChangedConsumer, RecordChangedConsumerDefinition>());
        return builder;
    }
}
