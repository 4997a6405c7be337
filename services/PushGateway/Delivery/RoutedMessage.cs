using System.Text.Json;
using System.Text.Json.Nodes;

namespace RealtimeSync.PushGateway.Delivery;

/// <summary>A logged message with what routing needs read out of it once; <see cref="Json"/> is forwarded as is.</summary>
public sealed record RoutedMessage(string Topic, long Offset, string Epoch, string? Origin, long Timestamp, JsonObject? FieldRoles, string Json)
{
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

            return new RoutedMessage(
                topic.GetString()!,
                offsetValue,
                epoch.GetString()!,
                root.TryGetProperty("origin", out var origin) && origin.ValueKind == JsonValueKind.String ? origin.GetString() : null,
                root.TryGetProperty("timestamp", out var timestamp) && timestamp.TryGetInt64(out var ms) ? ms : 0,
                root.TryGetProperty("fieldRoles", out var roles) && roles.ValueKind == JsonValueKind.Object ? JsonNode.Parse(roles.GetRawText())!.AsObject() : null,
                json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
