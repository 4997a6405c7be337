using RealtimeSync.PushGateway.Access;
using RealtimeSync.PushGateway.WebSockets;
using RealtimeSync.ServiceDefaults.Http;

namespace RealtimeSync.PushGateway.Http;

/// <summary>The <c>topics=a,b</c> query parameter: parsed, validated and access-checked, or the problem that says why not.</summary>
internal static class TopicList
{
    public static (List<string> Topics, IResult? Problem) Read(string? topics, Subscriber subscriber, TopicAccess access, IEnumerable<string>? more = null)
    {
        var list = (topics ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Concat(more ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (list.FirstOrDefault(topic => !ClientCommand.IsValidTopic(topic)) is { } invalid)
        {
            return ([], JsonRequestBody.Problem(StatusCodes.Status400BadRequest, "Invalid topic", $"'{invalid}' is not a topic name."));
        }

        return list.Select(topic => access.Refusal(subscriber, topic)).FirstOrDefault(reason => reason is not null) is { } refusal
            ? ([], JsonRequestBody.Problem(StatusCodes.Status403Forbidden, "Topic not allowed", refusal))
            : (list, null);
    }
}
