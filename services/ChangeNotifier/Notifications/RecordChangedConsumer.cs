using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit;
using Microsoft.Extensions.Options;
using RealtimeSync.Contracts;
using RealtimeSync.PushLog;

namespace RealtimeSync.ChangeNotifier.Notifications;

/// <summary>
/// Turns one committed change into a push message on the collection's topic and on the record's topic. An event that
/// fails for a reason of its own (<see cref="NotifierFailure"/>) is tried <see cref="SetAsideOptions.Attempts"/> times,
/// then set aside and acknowledged, so the events behind it flow on; a Redis failure goes to the endpoint's retry.
/// </summary>
public sealed partial class RecordChangedConsumer(
    TopicLog topicLog,
    SetAsideEvents setAside,
    IOptionsMonitor<RealtimeOptions> options,
    IOptions<SetAsideOptions> setAsideOptions,
    ILogger<RecordChangedConsumer> logger) : IConsumer<RecordChanged>
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
        var budget = setAsideOptions.Value;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await PushAsync(change);
                setAside.Forget(change.EventId);
                return;
            }
            catch (Exception ex) when (!NotifierFailure.HoldsTheQueue(ex) && attempt < budget.Attempts)
            {
                await Task.Delay(budget.RetryInterval, context.CancellationToken);
            }
            catch (Exception ex) when (!NotifierFailure.HoldsTheQueue(ex))
            {
                // Kept before the message is acknowledged: if Redis fails here, the endpoint's retry runs the message again.
                var kept = await setAside.AddAsync(change, ex, attempt);
                activity?.AddException(ex);
                activity?.SetStatus(ActivityStatusCode.Error, "set aside");
                LogSetAside(ex, change.EventId, change.Source, attempt, kept ? "kept in " + SetAsideEvents.Key : "NOT kept: the set-aside bound is reached");
                return;
            }
        }
    }

    private async Task PushAsync(RecordChanged change)
    {
        var topics = ChangeTopics.For(change); // first: a change whose collection or id names no topic is refused whole
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

        var offsets = await topicLog.AppendAsync(change.EventId.ToString(), topics, body.ToJsonString(Json), change.OccurredAt.ToUnixTimeMilliseconds());
        NotifierTelemetry.Lag.Record((DateTimeOffset.UtcNow - change.OccurredAt).TotalSeconds, new KeyValuePair<string, object?>("realtimesync.source", change.Source));
        LogPushed(change.EventId, string.Join(",", topics), string.Join(",", offsets));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Event {EventId} on {Collection} changed no real-time field; nothing pushed")]
    private partial void LogNothingRealtime(Guid eventId, string collection);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pushed {EventId} on {Topics} at offsets {Offsets}")]
    private partial void LogPushed(Guid eventId, string topics, string offsets);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Event {EventId} from {Source} could not be applied in {Attempts} attempts and is set aside ({Where}); the events behind it go on. Re-send it through its writer's outbox once the cause is fixed")]
    private partial void LogSetAside(Exception exception, Guid eventId, string source, int attempts, string where);
}
