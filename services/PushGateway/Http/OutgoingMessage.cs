using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RealtimeSync.Contracts.Push;
using RealtimeSync.PushGateway.WebSockets;

namespace RealtimeSync.PushGateway.Http;

/// <summary>
/// The body of <c>POST /api/sync/send</c> and <c>/broadcast</c> (seed 004): <c>type</c> (required, a dotted
/// name), <c>payload</c> (required, an object), optional <c>correlationId</c>, <c>to</c> (send) or
/// <c>topics</c> (broadcast). Validation names every wrong field, as a 422 problem's <c>errors</c>.
/// </summary>
public sealed partial record OutgoingMessage(string Type, JsonObject Payload, string? CorrelationId, string? To, IReadOnlyList<string> Topics)
{
    public static (OutgoingMessage? Message, Dictionary<string, string[]> Errors) Validate(JsonObject body)
    {
        var errors = new Dictionary<string, string[]>();
        var type = body["type"] is JsonValue typeValue && typeValue.TryGetValue<string>(out var t) ? t : null;
        if (type is null || !TypeName().IsMatch(type))
        {
            errors["type"] = ["required: a name of 1-64 lower-case letters, digits, '.', '_' or '-', starting with a letter (e.g. user.action)"];
        }
        else if (ControlFrames.IsControl(type))
        {
            errors["type"] = [$"'{type}' is a control frame's type ({string.Join(", ", ControlFrames.Types.Order())}): a message may not take it"];
        }

        if (body["payload"] is not JsonObject payload)
        {
            errors["payload"] = ["required: a JSON object"];
            payload = [];
        }

        var correlationId = Text(body, "correlationId", 128, errors);
        var to = Text(body, "to", 128, errors);
        var topics = new List<string>();
        if (body["topics"] is { } topicsNode)
        {
            if (topicsNode is not JsonArray array || array.Any(topic => topic is not JsonValue value || !value.TryGetValue<string>(out var name) || !ClientCommand.IsValidTopic(name)))
            {
                errors["topics"] = ["an array of topic names"];
            }
            else
            {
                topics.AddRange(array.Select(topic => (string)topic!).Distinct(StringComparer.Ordinal));
            }
        }

        var unknown = body.Select(pair => pair.Key).Except(["type", "payload", "correlationId", "to", "topics"]).ToList();
        if (unknown.Count > 0)
        {
            errors[unknown[0]] = [$"unknown field(s): {string.Join(", ", unknown)}"];
        }

        return errors.Count > 0 ? (null, errors) : (new OutgoingMessage(type!, payload, correlationId, to, topics), errors);
    }

    private static string? Text(JsonObject body, string field, int maxLength, Dictionary<string, string[]> errors)
    {
        if (body[field] is null)
        {
            return null;
        }

        if (body[field] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 && text.Length <= maxLength)
        {
            return text;
        }

        errors[field] = [$"a string of 1-{maxLength} characters"];
        return null;
    }

    [GeneratedRegex("^[a-z][a-z0-9._-]{0,63}\\z")]
    private static partial Regex TypeName();
}
