using RealtimeSync.Contracts.Http;
using RealtimeSync.PushGateway.Access;
using RealtimeSync.PushGateway.WebSockets;

namespace RealtimeSync.PushGateway.Http;

/// <summary>The <c>topics=a,b</c> query parameter: parsed, validated and access-checked, or the problem that says why not.</summary>
internal static class TopicList
{
    /// <summary>Own topics (users/&lt;me&gt;, broadcast) come on top of the <see cref="PushGatewayOptions.MaxSubscriptions"/> a client asks for.</summary>
    public const int OwnTopics = 2;

    public static (List<string> Topics, IResult? Problem) Read(string? topics, Subscriber subscriber, TopicAccess access, int maxTopics, IEnumerable<string>? more = null)
    {
        var list = (topics ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Concat(more ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (TooMany(list.Count, maxTopics) is { } tooMany)
        {
            return ([], tooMany);
        }

        if (list.FirstOrDefault(topic => !ClientCommand.IsValidTopic(topic)) is { } invalid)
        {
            return ([], JsonRequestBody.Problem(StatusCodes.Status400BadRequest, "Invalid topic", $"'{invalid}' is not a topic name."));
        }

        return list.Select(topic => access.Refusal(subscriber, topic)).FirstOrDefault(reason => reason is not null) is { } refusal
            ? ([], JsonRequestBody.Problem(StatusCodes.Status403Forbidden, "Topic not allowed", refusal))
            : (list, null);
    }

    /// <summary>A request for more topics than one connection or poll may hold, as a 400 problem; null when within the limit.</summary>
    public static IResult? TooMany(int count, int maxTopics) => count > maxTopics + OwnTopics
        ? JsonRequestBody.Problem(StatusCodes.Status400BadRequest, "Too many topics", $"At most {maxTopics} topics per request or connection; got {count - OwnTopics} or more.")
        : null;
}
