using System.Text.Json.Nodes;
using RealtimeSync.PushGateway.Access;
using RealtimeSync.PushLog;
using RealtimeSync.ServiceDefaults.Auth;

namespace RealtimeSync.PushGateway.Http;

/// <summary>
/// Messages users send (seed 004), however they arrive (<c>POST /api/sync/send</c>, <c>/broadcast</c>, or the socket's
/// <c>send</c> command): who may send to whom, and logging them like changes, so they are resumable too.
/// </summary>
public sealed class UserMessages(TopicLog log, UserQueues userQueues)
{
    /// <summary>The topic a <c>send</c> goes to: the sender's own user topic, or another user's for an admin; null when refused.</summary>
    public static string? RecipientTopic(OutgoingMessage message, Subscriber sender)
    {
        var recipient = message.To ?? sender.UserId;
        return recipient == sender.UserId ? sender.UserTopic : sender.Roles.Contains(Roles.Admin) ? $"users/{recipient}" : null;
    }

    public const string RecipientRefused = "Only an admin may send to another user; omit 'to' to reach your own tabs.";

    public async Task<SendAnswer> AppendAsync(OutgoingMessage message, Subscriber sender, IReadOnlyList<string> topics, string? origin)
    {
        var id = "msg_" + Guid.NewGuid().ToString("N");
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var body = new JsonObject
        {
            ["id"] = id,
            ["type"] = message.Type,
            ["payload"] = message.Payload.DeepClone(),
            ["timestamp"] = timestamp,
            ["userId"] = sender.UserId,
            ["correlationId"] = message.CorrelationId,
            ["origin"] = origin,
        };
        await log.AppendAsync(id, topics, body.ToJsonString());
        await userQueues.NoteAppendAsync(topics);
        return new SendAnswer(true, id, timestamp, topics);
    }
}
