using System.Text.Json;
using System.Text.RegularExpressions;

namespace RealtimeSync.PushGateway.WebSockets;

/// <summary>A frame a client sends: <c>{"type":"subscribe"|"unsubscribe"|"ping","topics":[...]}</c>.</summary>
public sealed partial record ClientCommand(string Type, IReadOnlyList<string> Topics)
{
    private static readonly string[] Types = ["subscribe", "unsubscribe", "ping"];

    /// <summary>Parses and validates a client frame; on failure says why, in words a client developer can act on.</summary>
    public static bool TryParse(ReadOnlySpan<byte> frame, out ClientCommand command, out string error)
    {
        command = new ClientCommand(string.Empty, []);
        try
        {
            using var document = JsonDocument.Parse(frame.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
            {
                error = "a frame must be a JSON object with a string 'type'";
                return false;
            }

            var type = typeElement.GetString()!;
            if (!Types.Contains(type))
            {
                error = $"unknown type '{type}'; expected one of {string.Join(", ", Types)}";
                return false;
            }

            var topics = new List<string>();
            if (type != "ping")
            {
                if (!root.TryGetProperty("topics", out var topicsElement) || topicsElement.ValueKind != JsonValueKind.Array)
                {
                    error = $"'{type}' needs 'topics', an array of topic names";
                    return false;
                }

                foreach (var topic in topicsElement.EnumerateArray())
                {
                    if (topic.ValueKind != JsonValueKind.String || !TopicName().IsMatch(topic.GetString()!))
                    {
                        error = $"invalid topic {topic.GetRawText()}: use up to 5 segments separated by '/', each starting with a letter or digit, then letters, digits, '.', '_' or '-'";
                        return false;
                    }

                    topics.Add(topic.GetString()!);
                }
            }

            command = new ClientCommand(type, topics);
            error = string.Empty;
            return true;
        }
        catch (JsonException ex)
        {
            error = "malformed JSON: " + ex.Message;
            return false;
        }
    }

    // Each segment starts with a letter or digit, so ".." and hidden names never pass.
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}(/[A-Za-z0-9][A-Za-z0-9._-]{0,127}){0,4}$")]
    private static partial Regex TopicName();
}
