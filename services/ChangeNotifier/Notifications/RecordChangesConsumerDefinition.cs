using MassTransit;

namespace RealtimeSync.ChangeNotifier.Notifications;

/// <summary>
/// One batch at a time, with one active consumer across replicas, so each topic's offsets follow
/// commit order; a Redis failure is retried with backoff and holds the queue rather than reordering it.
/// </summary>
public sealed class RecordChangesConsumerDefinition : ConsumerDefinition<RecordChangesConsumer>
{
    public RecordChangesConsumerDefinition()
    {
        EndpointName = "change-notifier-record-changes";
        ConcurrentMessageLimit = 1;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<RecordChangesConsumer> consumerConfigurator, IRegistrationContext context)
    {
        // Redis being away is waited out, however long, holding the queue: dropping the event would leave a gap no client could see.
        // The consumer sets aside what fails for a reason of its own, so nothing else should get here; what still does (a message
        // MassTransit cannot even read) is not retried and lands in MassTransit's error queue. A retried batch is harmless: the
        // topic log drops the events it already holds.
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.Exponential(int.MaxValue, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));
            retry.Handle<Exception>(NotifierFailure.HoldsTheQueue);
        });
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.SingleActiveConsumer = true;
            rabbit.PrefetchCount = 16; // batches: enough to keep one in hand while the last is applied
        }
    }
}
