using System.Text.Json.Nodes;
using RealtimeSync.PushLog;

namespace RealtimeSync.PushGateway.Http;

/// <summary>
/// What <c>GET /api/sync/poll</c> answers (seed 004's shape): the messages, per topic in offset order, the server's time
/// (the next <c>since</c>), how many, the gapless <c>cursor</c> to send back, and the topics whose history is gone.
/// Its shape as the API document describes it; the endpoint writes the messages as they were logged.
/// </summary>
public sealed record PollAnswer(bool Success, IReadOnlyList<PolledMessage> Messages, long Timestamp, int Count, string Cursor, IReadOnlyList<ResyncNotice> Resync);

/// <summary>
/// One message as every transport delivers it: its topic, offset and epoch, its type (<c>record.created</c>,
/// <c>record.updated</c>, <c>record.deleted</c>, or a sent message's own) and payload; a change also names its event,
/// origin connection and actor, a sent message its id, sender and correlation id.
/// </summary>
public sealed record PolledMessage(
    string Topic,
    long Offset,
    string Epoch,
    string Type,
    JsonObject Payload,
    long Timestamp,
    string? EventId,
    string? Origin,
    string? Actor,
    string? Id,
    string? UserId,
    string? CorrelationId);

/// <summary>A topic whose requested history is gone or whose epoch changed: reload its data, then carry on from this position.</summary>
public sealed record ResyncNotice(string Topic, string Reason, string? Epoch, long Offset);

/// <summary>
/// The body of <c>POST /api/sync/send</c>: a message to your own tabs, or as admin to user <c>to</c>. <c>type</c> is a
/// dotted name (not a control frame's type), <c>payload</c> an object.
/// </summary>
public sealed record SendRequest(string Type, JsonObject Payload, string? CorrelationId, string? To);

/// <summary>The body of <c>POST /api/sync/broadcast</c>: a message to everyone, or to the given topics.</summary>
public sealed record BroadcastRequest(string Type, JsonObject Payload, string? CorrelationId, IReadOnlyList<string>? Topics);

/// <summary>A message logged: its id, time and the topics it went to (each subscriber gets it once, resumably).</summary>
public sealed record SendAnswer(bool Success, string MessageId, long Timestamp, IReadOnlyList<string> Topics);

/// <summary>Seed 000's change marker: each topic's epoch, last offset and last change time (ms), and the server's time.</summary>
public sealed record ChangesAnswer(IReadOnlyList<TopicHead> Topics, long Timestamp);

/// <summary>Seed 004's status: connections, subscriptions, event streams and polling queues, over every live instance.</summary>
public sealed record StatusAnswer(bool Success, SyncStatus Status);

/// <summary>The totals per transport; <c>instances</c> (each instance's counts) only for admins, null otherwise.</summary>
public sealed record SyncStatus(WebSocketStatus Websocket, SseStatus Sse, PollingStatus Polling, IReadOnlyList<InstanceSnapshot>? Instances, long LastCheck);

/// <summary>Open WebSocket connections, connections accepted since start, and their subscriptions.</summary>
public sealed record WebSocketStatus(bool Enabled, int Connections, long TotalConnections, int Subscriptions);

/// <summary>Open event streams.</summary>
public sealed record SseStatus(bool Enabled, string Endpoint, int Connections);

/// <summary>Users with messages logged to them within retention, and those messages.</summary>
public sealed record PollingStatus(bool Enabled, string Endpoint, long Queues, long Messages);
