using System.Buffers;
using System.Text;
using System.Text.Json;
using RealtimeSync.Contracts;
using RealtimeSync.PushLog;

namespace RealtimeSync.ChangeNotifier.Notifications;

/// <summary>The push message one change becomes: only its real-time fields, on its collection's topic and its record's.</summary>
public static class ChangeMessage
{
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

        var operation = change.Operation switch
        {
            ChangeOperation.Created => "created",
            ChangeOperation.Updated => "updated",
            ChangeOperation.Deleted => "deleted",
            ChangeOperation.Archived => "archived",
            var other => throw new InvalidDataException($"The change's operation {other} is none that a push message names."),
        };
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "record." + operation);
            writer.WriteStartObject("payload");
            writer.WriteString("collection", change.Collection);
            writer.WriteString("id", change.RecordId);
            writer.WriteNumber("version", change.Version);
            writer.WriteString("operation", operation);
            writer.WriteStartArray("changedFields");
            foreach (var field in fields)
            {
                writer.WriteStringValue(field);
            }

            writer.WriteEndArray();
            writer.WritePropertyName("fields");
            RealtimeFields.WriteValues(writer, rules, change.Values, fields);
            writer.WriteEndObject();
            writer.WriteNumber("timestamp", change.OccurredAt.ToUnixTimeMilliseconds());
            writer.WriteString("eventId", change.EventId);
            writer.WriteString("origin", change.OriginConnectionId);
            writer.WriteString("actor", change.Actor);
            if (RealtimeFields.Restrictions(rules, fields) is { Count: > 0 } restricted)
            {
                writer.WritePropertyName("fieldRoles"); // push-gateway removes these fields for subscribers without the roles
                restricted.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return new TopicAppend(change.EventId.ToString(), topics, Encoding.UTF8.GetString(buffer.WrittenSpan), traceParent);
    }
}
