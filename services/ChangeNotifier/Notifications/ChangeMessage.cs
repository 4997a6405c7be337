using System.Text.Json;
using System.Text.Json.Nodes;
using RealtimeSync.Contracts;
using RealtimeSync.PushLog;

namespace RealtimeSync.ChangeNotifier.Notifications;

/// <summary>The push message one change becomes: only its real-time fields, on its collection's topic and its record's.</summary>
public static class ChangeMessage
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The append for <paramref name="change"/>, or null when it changed no real-time field. Throws for a change that names
    /// no topic (<see cref="ChangeTopics"/>): the event's own failure.
    /// </summary>
    public static TopicAppend? For(RecordChanged change, CollectionPushRules? rules, string? traceParent)
    {
        var topics = ChangeTopics.For(change); // first: a change whose collection or id names no topic is refused whole
        var fields = RealtimeFields.Select(rules, change.ChangedFields);
        if (change.Operation == ChangeOperation.Updated && fields.Count == 0)
        {
            return null;
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

        return new TopicAppend(change.EventId.ToString(), topics, body.ToJsonString(Json), traceParent);
    }
}
