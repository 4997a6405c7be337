using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit;
using Microsoft.Extensions.Options;
using RealtimeSync.Contracts;
using RealtimeSync.PushLog;

namespace RealtimeSync.ChangeNotifier.Notifications;

/// <summary>Turns one committed change into a push message on the collection's topic and on the record's topic.</summary>
public sealed partial class RecordChangedConsumer(TopicLog topicLog, IOptionsMonitor<RealtimeOptions> options, ILogger<RecordChangedConsumer> logger)
    : IConsumer<RecordChanged>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task Consume(ConsumeContext<RecordChanged> context)
    {
        var change = context.Message;
        // MassTransit's consume activity, in the change's trace; the append publishes that trace on to push-gateway.
        var activity = Activity.Current;
        activity?.SetTag(ChangeTags.EventId, change.EventId.ToString());
        activity?.SetTag(ChangeTags.Collection, change.Collection);
        activity?.SetTag(ChangeTags.RecordId, change.RecordId);
        options.CurrentValue.Collections.TryGetValue(change.Collection, out var rules);
        var fields = RealtimeFields.Select(rules, change.ChangedFields);
        if (change.Operation == ChangeOperation.Updated && fields.Count == 0)
        {
            LogNothingRealtime(change.EventId, change.Collection);
            return;
        }

        var operation = change.Operation.ToString().ToLowerInvariant();
        var body = new JsonObject
        {
            ["type"] = "record." + operation,
            ["payload"] = new JsonObject
            {
                ["collection"] = change.Collection,
                ["id"] = change.RecordId,
                ["version"] = change.Version,
                ["operation"] = operation,
                ["changedFields"] = new JsonArray(fields.Select(field => (JsonNode?)field).ToArray()),
                ["fields"] = RealtimeFields.Values(rules, change.Values, fields),
            },
            ["timestamp"] = change.OccurredAt.ToUnixTimeMilliseconds(),
            ["eventId"] = change.EventId.ToString(),
            ["origin"] = change.OriginConnectionId,
            ["actor"] = change.Actor,
        };
        if (RealtimeFields.Restrictions(rules, fields) is { Count: > 0 } restricted)
        {
            body["fieldRoles"] = restricted; // push-gateway removes these fields for subscribers without the roles
        }

        string[] topics = [PushTopics.ForCollection(change.Collection), PushTopics.ForRecord(change.Collection, change.RecordId)];
        var offsets = await topicLog.AppendAsync(change.EventId.ToString(), topics, body.ToJsonString(Json), change.OccurredAt.ToUnixTimeMilliseconds());
        NotifierTelemetry.Lag.Record((DateTimeOffset.UtcNow - change.OccurredAt).TotalSeconds, new KeyValuePair<string, object?>("realtimesync.source", change.Source));
        LogPushed(change.EventId, string.Join(",", topics), string.Join(",", offsets));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Event {EventId} on {Collection} changed no real-time field; nothing pushed")]
    private partial void LogNothingRealtime(Guid eventId, string collection);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pushed {EventId} on {Topics} at offsets {Offsets}")]
    private partial void LogPushed(Guid eventId, string topics, string offsets);
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
        // Redis being away is waited out, however long, holding the queue: dropping the event would leave a gap no client could see.
        // Only a message that can never succeed (malformed) goes to the error queue.
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.Exponential(int.MaxValue, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));
            retry.Ignore<ArgumentException>();
            retry.Ignore<System.Text.Json.JsonException>();
            retry.Ignore<FormatException>();
        });
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.SingleActiveConsumer = true;
            rabbit.PrefetchCount = 64;
        }
    }
}
