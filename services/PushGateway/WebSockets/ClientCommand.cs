using System.Text.Json;
using System.Text.Json.Nodes;
using RealtimeSync.Contracts;
using RealtimeSync.PushGateway.Delivery;

namespace RealtimeSync.PushGateway.WebSockets;

/// <summary>
/// A frame a client sends: <c>{"type":"subscribe"|"unsubscribe"|"ping","topics":[...]}</c>; a subscribe may
/// resume with <c>"from":{"topic":{"epoch":"…","offset":N}}</c> or a <c>"cursor"</c> from an earlier SSE/poll reader;
/// <c>{"type":"auth","token":"…"}</c> hands in a fresh token before the current one expires;
/// <c>{"type":"join","topic":"…","state":{…}}</c> and <c>{"type":"leave","topic":"…"}</c> join and leave a topic's presence;
/// <c>{"type":"send","message":{…}}</c> sends seed 004's message to the user's own tabs (or, as admin, to user <c>to</c>).
/// </summary>
public sealed record ClientCommand(string Type, IReadOnlyList<string> Topics, IReadOnlyDictionary<string, TopicPosition> From, string? Token = null)
{
    private const int MaxTokenLength = 16 * 1024;
    private static readonly string[] Types = ["subscribe", "unsubscribe", "ping", "auth", "join", "leave", "send"];

    /// <summary>The one topic of a join or leave.</summary>
    public string? Topic { get; init; }

    /// <summary>A send's message (<c>type</c>, <c>payload</c>, <c>correlationId</c>, <c>to</c>), checked as <c>POST /api/sync/send</c> checks its body.</summary>
    public JsonObject? Message { get; init; }

    /// <summary>A join's state as sent (checked by <see cref="Presence.PresenceState"/>); <c>{}</c> when the frame has none.</summary>
    public JsonNode? State { get; init; }

    /// <summary>Parses and validates a client frame; on failure says why, in words a client developer can act on.</summary>
    public static bool TryParse(ReadOnlyMemory<byte> frame, out ClientCommand command, out string error)
    {
        command = new ClientCommand(string.Empty, [], new Dictionary<string, TopicPosition>());
        try
        {
            using var document = JsonDocument.Parse(frame); // no copy: the document is disposed before the frame's buffer is reused
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

            if (type == "auth")
            {
                if (!root.TryGetProperty("token", out var token) || token.ValueKind != JsonValueKind.String || token.GetString() is not { Length: > 0 and <= MaxTokenLength } text)
                {
                    error = $"'auth' needs 'token', a string of 1 to {MaxTokenLength} characters";
                    return false;
                }

                command = command with { Type = type, Token = text };
                error = string.Empty;
                return true;
            }

            if (type is "join" or "leave")
            {
                if (!root.TryGetProperty("topic", out var topic) || topic.ValueKind != JsonValueKind.String || !IsValidTopic(topic.GetString()!))
                {
                    error = $"'{type}' needs 'topic', one topic name: {TopicRule}";
                    return false;
                }

                command = command with
                {
                    Type = type,
                    Topic = topic.GetString(),
                    State = type == "join" && root.TryGetProperty("state", out var state) ? JsonNode.Parse(state.GetRawText()) : new JsonObject(),
                };
                error = string.Empty;
                return true;
            }

            if (type == "send")
            {
                if (!root.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object)
                {
                    error = "'send' needs 'message', an object: {\"type\": \"…\", \"payload\": {…}, \"correlationId\"?, \"to\"?}";
                    return false;
                }

                // A repeated property name would throw later, when the message is read: refused here, as a clear error.
                if (message.EnumerateObject().GroupBy(property => property.Name, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1) is { } repeated)
                {
                    error = $"'message' names '{repeated.Key}' more than once";
                    return false;
                }

                command = command with { Type = type, Message = JsonNode.Parse(message.GetRawText())!.AsObject() };
                error = string.Empty;
                return true;
            }

            if (type == "ping")
            {
                command = command with { Type = type };
                error = string.Empty;
                return true;
            }

            if (!TryReadTopics(root, type, out var topics, out error) || !TryReadFrom(root, out var from, out error))
            {
                return false;
            }

            command = new ClientCommand(type, topics, from);
            return true;
        }
        catch (JsonException ex)
        {
            error = "malformed JSON: " + ex.Message;
            return false;
        }
        catch (InvalidOperationException)
        {
            error = "malformed JSON: a string is not valid UTF-16 text (a lone surrogate escape)";
            return false;
        }
    }

    public static bool IsValidTopic(string topic) => PushTopics.IsTopic(topic);

    private const string TopicRule = "use up to 5 segments separated by '/', each starting with a letter or digit, then letters, digits, '.', '_' or '-'";

    private static bool TryReadTopics(JsonElement root, string type, out List<string> topics, out string error)
    {
        topics = [];
        if (!root.TryGetProperty("topics", out var topicsElement) || topicsElement.ValueKind != JsonValueKind.Array)
        {
            error = $"'{type}' needs 'topics', an array of topic names";
            return false;
        }

        foreach (var topic in topicsElement.EnumerateArray())
        {
            if (topic.ValueKind != JsonValueKind.String || !IsValidTopic(topic.GetString()!))
            {
                error = $"invalid topic {topic.GetRawText()}: {TopicRule}";
                return false;
            }

            topics.Add(topic.GetString()!);
        }

        error = string.Empty;
        return true;
    }

    private static bool TryReadFrom(JsonElement root, out Dictionary<string, TopicPosition> from, out string error)
    {
        error = string.Empty;
        if (root.TryGetProperty("cursor", out var cursor))
        {
            if (cursor.ValueKind == JsonValueKind.String && Cursor.TryDecode(cursor.GetString(), out from))
            {
                return true;
            }

            error = "'cursor' is not a cursor this server issued";
            from = [];
            return false;
        }

        from = new Dictionary<string, TopicPosition>(StringComparer.Ordinal);
        if (!root.TryGetProperty("from", out var positions))
        {
            return true;
        }

        if (positions.ValueKind != JsonValueKind.Object)
        {
            error = "'from' must map topics to {\"epoch\": string, \"offset\": number}";
            return false;
        }

        foreach (var topic in positions.EnumerateObject())
        {
            if (topic.Value.ValueKind != JsonValueKind.Object
                || !topic.Value.TryGetProperty("epoch", out var epoch) || epoch.ValueKind != JsonValueKind.String
                || !topic.Value.TryGetProperty("offset", out var offset) || !offset.TryGetInt64(out var value) || value < 0
                || (epoch.GetString()!.Length == 0 && value > 0)) // offsets mean something only within an epoch
            {
                error = $"'from.{topic.Name}' must be {{\"epoch\": string, \"offset\": number >= 0}}, with an epoch for any offset above 0";
                return false;
            }

            from[topic.Name] = new TopicPosition(epoch.GetString()!, value);
        }

        return true;
    }
}
