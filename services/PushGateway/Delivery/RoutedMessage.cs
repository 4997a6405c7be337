using System.Text.Json;
using System.Text.Json.Nodes;

namespace RealtimeSync.PushGateway.Delivery;

/// <summary>A logged message with what routing needs read out of it once; <see cref="Json"/> is forwarded as is.</summary>
public sealed record RoutedMessage(string Topic, long Offset, string Epoch, string? Origin, long Timestamp, JsonObject? FieldRoles, string Json)
{
    /// <summary>The change's W3C trace context, which a published copy carries as its last property (removed from <see cref="Json"/>).</summary>
    public string? TraceParent { get; init; }

    private const string TopicFirst = "{\"topic\":\"";

    /// <summary>
    /// The topic of a message as the topic log writes it (topic first, a topic needing no escapes), read without parsing the
    /// rest: most messages on a busy channel are for topics an instance has no subscriber of. Empty when the message starts
    /// otherwise, and then only a full parse can tell.
    /// </summary>
    public static ReadOnlySpan<char> TopicOf(ReadOnlySpan<char> json)
    {
        if (!json.StartsWith(TopicFirst, StringComparison.Ordinal))
        {
            return [];
        }

        var rest = json[TopicFirst.Length..];
        var end = rest.IndexOfAny('"', '\\');
        return end > 0 && rest[end] == '"' ? rest[..end] : [];
    }

    public static RoutedMessage? TryParse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("topic", out var topic) || topic.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("offset", out var offset) || !offset.TryGetInt64(out var offsetValue)
                || !root.TryGetProperty("epoch", out var epoch) || epoch.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            var traceParent = root.TryGetProperty("traceparent", out var trace) && trace.ValueKind == JsonValueKind.String ? trace.GetString() : null;
            var suffix = traceParent is null ? null : $",\"traceparent\":\"{traceParent}\"}}";
            return new RoutedMessage(
                topic.GetString()!,
                offsetValue,
                epoch.GetString()!,
                root.TryGetProperty("origin", out var origin) && origin.ValueKind == JsonValueKind.String ? origin.GetString() : null,
                root.TryGetProperty("timestamp", out var timestamp) && timestamp.TryGetInt64(out var ms) ? ms : 0,
                root.TryGetProperty("fieldRoles", out var roles) && roles.ValueKind == JsonValueKind.Object ? JsonNode.Parse(roles.GetRawText())!.AsObject() : null,
                // Clients get the message exactly as logged: the trace context is ours, not part of the protocol.
                suffix is not null && json.EndsWith(suffix, StringComparison.Ordinal) ? json[..^suffix.Length] + "}" : json)
            {
                TraceParent = traceParent,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
