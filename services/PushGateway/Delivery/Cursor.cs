using System.Buffers.Text;
using System.Text.Json;

namespace RealtimeSync.PushGateway.Delivery;

/// <summary>
/// A reader's positions on several topics as one opaque token (base64url of <c>{"topic":["epoch",offset]}</c>):
/// the gapless polling cursor and the SSE event id, so any instance can resume any reader.
/// </summary>
public static class Cursor
{
    public static string Encode(IReadOnlyDictionary<string, TopicPosition> positions) =>
        Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(
            positions.ToDictionary(pair => pair.Key, pair => new object[] { pair.Value.Epoch, pair.Value.Offset })));

    public static bool TryDecode(string? token, out Dictionary<string, TopicPosition> positions)
    {
        positions = new Dictionary<string, TopicPosition>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(token))
        {
            return true;
        }

        try
        {
            using var document = JsonDocument.Parse(Base64Url.DecodeFromChars(token));
            foreach (var topic in document.RootElement.EnumerateObject())
            {
                if (topic.Value.ValueKind != JsonValueKind.Array || topic.Value.GetArrayLength() != 2
                    || topic.Value[0].GetString() is not { } epoch || !topic.Value[1].TryGetInt64(out var offset) || offset < 0
                    || (epoch.Length == 0 && offset > 0))
                {
                    return false;
                }

                positions[topic.Name] = new TopicPosition(epoch, offset);
            }

            return true;
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException)
        {
            return false;
        }
    }
}
