using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit;
using RealtimeSync.ChangeNotifier.Topics;
using RealtimeSync.Contracts;

namespace RealtimeSync.ChangeNotifier.Notifications;

/// <summary>Turns one committed change into a push message on the collection's topic and on the record's topic.</summary>
public sealed class RecordChangedConsumer(TopicLog topicLog, ILogger<RecordChangedConsumer> logger) : IConsumer<RecordChanged>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task Consume(ConsumeContext<RecordChanged> context)
    {
        var change = context.Message;
        string[] topics = [PushTopics.ForCollection(change.Collection), PushTopics.ForRecord(change.Collection, change.RecordId)];
        var body = new
        {
            type = "record." + change.Operation.ToString().ToLowerInvariant(),
            payload = new JsonObject
            {
                ["collection"] = change.Collection,
                ["id"] = change.RecordId,
                ["version"] = change.Version,
                ["operation"] = change.Operation.ToString().ToLowerInvariant(),
                ["changedFields"] = new JsonArray(change.ChangedFields.Select(field => (JsonNode?)field).ToArray()),
                ["fields"] = change.Values?.DeepClone() ?? new JsonObject(),
            },
            timestamp = change.OccurredAt.ToUnixTimeMilliseconds(),
            eventId = change.EventId.ToString(),
            origin = change.OriginConnectionId,
            actor = change.Actor,
        };

        var offsets = await topicLog.AppendAsync(change.EventId.ToString(), topics, JsonSerializer.Serialize(body, Json));
        logger.LogDebug("Pushed {EventId} on {Topics} at offsets {Offsets}", change.EventId, topics, offsets);
    }
}

/// <summary>
/// One message at a time, with one active consumer across replicas, so each topic's offsets follow
/// commit order; a Redis failure is retried with backoff and holds the queue rather than reordering it.
/// </summary>
public sealed class RecordChangedConsumerDefinition : ConsumerDefinition<RecordChangedConsumer>
{
    public RecordChangedConsumerDefinition()
    {
        EndpointName = "change-notifier-record-changed";
        ConcurrentMessageLimit = 1;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<RecordChangedConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(retry => retry.Exponential(20, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200)));
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.SingleActiveConsumer = true;
            rabbit.PrefetchCount = 64;
        }
    }
}
