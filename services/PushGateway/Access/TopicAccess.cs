using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using RealtimeSync.PushGateway.Delivery;

namespace RealtimeSync.PushGateway.Access;

/// <summary>Topic permissions (section <c>Topics</c>): which roles may read a collection's topics; empty means any signed-in user.</summary>
public sealed class TopicAccessOptions
{
    public List<string> DefaultRoles { get; set; } = [];

    public Dictionary<string, CollectionAccess> Collections { get; set; } = [];
}

public sealed class CollectionAccess
{
    public List<string> Roles { get; set; } = [];
}

/// <summary>
/// Decides who may read which topic, and strips from a message the fields its reader's roles may not see.
/// Topic namespaces: <c>records/{collection}[/{id}]</c> by collection roles, <c>users/{id}</c> for that user only,
/// <c>broadcast[/...]</c> for everyone signed in. Anything else is refused.
/// </summary>
public sealed class TopicAccess(IOptionsMonitor<TopicAccessOptions> options)
{
    public const string Broadcast = "broadcast";

    /// <summary>Null when allowed; otherwise why not, in words for the client.</summary>
    public string? Refusal(Subscriber subscriber, string topic)
    {
        var segments = topic.Split('/');
        switch (segments[0])
        {
            case "records" when segments.Length is 2 or 3:
                var settings = options.CurrentValue;
                var roles = settings.Collections.TryGetValue(segments[1], out var collection) && collection.Roles.Count > 0
                    ? collection.Roles
                    : settings.DefaultRoles;
                return roles.Count == 0 || subscriber.HasAnyRole(roles)
                    ? null
                    : $"'{topic}' needs one of the roles {string.Join(", ", roles)}";
            case "users" when segments.Length == 2:
                return segments[1] == subscriber.UserId ? null : $"'{topic}' belongs to another user";
            case Broadcast:
                return null;
            default:
                return $"'{topic}' is not in a known namespace (records/..., users/<you>, broadcast)";
        }
    }

    /// <summary>
    /// The message as this subscriber may see it: fields listed in <c>fieldRoles</c> that the subscriber's
    /// roles do not cover are removed. Returns the original text when nothing is removed (the common case).
    /// </summary>
    public static string ForSubscriber(RoutedMessage message, Subscriber subscriber)
    {
        if (message.FieldRoles is null)
        {
            return message.Json;
        }

        var hidden = message.FieldRoles
            .Where(pair => pair.Value is JsonArray roles && !subscriber.HasAnyRole(roles.Select(role => (string?)role ?? string.Empty)))
            .Select(pair => pair.Key)
            .ToHashSet(StringComparer.Ordinal);
        if (hidden.Count == 0)
        {
            return message.Json;
        }

        var copy = JsonNode.Parse(message.Json)!.AsObject();
        copy.Remove("fieldRoles");
        if (copy["payload"] is JsonObject payload)
        {
            if (payload["fields"] is JsonObject fields)
            {
                hidden.ToList().ForEach(field => fields.Remove(field));
            }

            if (payload["changedFields"] is JsonArray changed)
            {
                payload["changedFields"] = new JsonArray(changed.Where(name => !hidden.Contains((string?)name ?? string.Empty)).Select(name => name?.DeepClone()).ToArray());
            }
        }

        return copy.ToJsonString();
    }
}
