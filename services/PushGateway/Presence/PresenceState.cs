using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using RealtimeSync.Contracts.Documents;

namespace RealtimeSync.PushGateway.Presence;

/// <summary>What a member's state may be: a JSON object of the project's <see cref="DocumentShape"/>, small (<see cref="PresenceOptions.MaxStateBytes"/>).</summary>
public static class PresenceState
{
    public const string Invalid = "invalid_message";
    public const string TooLarge = "presence_state_too_large";

    // Non-ASCII is written as is, so the size counted is the one a browser's JSON.stringify and TextEncoder would count.
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The state as the compact JSON to keep and send, or the error code and message that say why it is refused.</summary>
    public static (string? Json, string? Code, string? Error) Check(JsonNode? state, int maxBytes)
    {
        if (state is not JsonObject document)
        {
            return (null, Invalid, $"'state' must be a JSON object, not {state?.GetValueKind().ToString().ToLowerInvariant() ?? "null"}");
        }

        try
        {
            if ((DocumentShape.UnstorableText(document) ?? DocumentShape.ShapeProblem(document)) is { } problem)
            {
                return (null, Invalid, $"'state': {problem}");
            }

            var json = document.ToJsonString(Compact);
            var bytes = Encoding.UTF8.GetByteCount(json);
            return bytes > maxBytes
                ? (null, TooLarge, $"'state' is {bytes} bytes as compact JSON; at most {maxBytes}")
                : (json, null, null);
        }
        catch (ArgumentException)
        {
            return (null, Invalid, "'state' names a property twice"); // JsonObject refuses a repeated name when it is first read
        }
    }
}
