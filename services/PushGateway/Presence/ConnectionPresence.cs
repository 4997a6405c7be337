using System.Text.Json.Nodes;
using RealtimeSync.PushGateway.Access;
using RealtimeSync.PushGateway.Delivery;

namespace RealtimeSync.PushGateway.Presence;

/// <summary>
/// One WebSocket connection's presence: the topics it joined (at most <see cref="PresenceOptions.MaxTopicsPerConnection"/>),
/// joined and left on its commands, each answered with <c>joined</c>, <c>left</c> or an error frame, and all left when the
/// connection closes. One change at a time, so a renewal's re-join never overtakes a newer state or a leave.
/// </summary>
public sealed partial class ConnectionPresence(
    ClientConnection connection, PresenceStore store, LocalMembers local, TopicAccess access, PresenceOptions options, ILogger<ConnectionPresence> logger)
{
    private static readonly TimeSpan TurnTimeout = PresenceStore.AnswerTimeout * 5;
    private readonly Dictionary<string, PresenceEntry> _joined = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _turn = new(1, 1);
    private bool _closed;

    public async Task JoinAsync(string topic, JsonNode? state)
    {
        if (PresenceTopics.Refusal(access, connection.Subscriber, topic) is { } refusal)
        {
            connection.Enqueue(Frames.Error("forbidden_topic", refusal, topic));
            return;
        }

        var (json, code, problem) = PresenceState.Check(state, options.MaxStateBytes);
        if (json is null)
        {
            connection.Enqueue(Frames.Error(code!, problem!, topic));
            return;
        }

        await InTurnAsync(topic, async () =>
        {
            if (!_joined.ContainsKey(topic) && _joined.Count >= options.MaxTopicsPerConnection)
            {
                connection.Enqueue(Frames.Error("too_many_presence_topics", $"at most {options.MaxTopicsPerConnection} presence topics per connection; leave one first", topic));
                return;
            }

            var entry = new PresenceEntry(topic, connection.Id, connection.Subscriber.UserId, json);
            await store.JoinAsync(entry);
            _joined[topic] = entry;
            local.Set(entry, this);
            connection.Enqueue(Frames.Joined(topic));
        });
    }

    /// <summary>Answered <c>left</c> also when not joined, and when Redis does not answer: this instance stops renewing, so the member lapses.</summary>
    public Task LeaveAsync(string topic) => InTurnAsync(topic, async () =>
    {
        if (_joined.Remove(topic, out var entry))
        {
            local.Remove(entry);
            await QuietlyAsync(() => store.LeaveAsync(entry));
        }

        connection.Enqueue(Frames.Left(topic));
    });

    /// <summary>Joins again a member that Redis lost (its lease lapsed while Redis could not be reached), if still joined.</summary>
    public Task RejoinAsync(PresenceEntry entry) => InTurnAsync(entry.Topic, async () =>
    {
        if (!_closed && _joined.TryGetValue(entry.Topic, out var current) && current == entry)
        {
            await QuietlyAsync(() => store.JoinAsync(entry));
        }
    }, answer: false);

    /// <summary>The connection closed: leaves every topic (what Redis does not take now lapses with its lease).</summary>
    public async Task LeaveAllAsync()
    {
        // Even without the turn: a closed connection's members must stop being renewed.
        var turn = await _turn.WaitAsync(TurnTimeout);
        try
        {
            _closed = true;
            var entries = _joined.Values.ToList();
            _joined.Clear();
            entries.ForEach(local.Remove);
            await Task.WhenAll(entries.Select(entry => QuietlyAsync(() => store.LeaveAsync(entry))));
        }
        finally
        {
            if (turn)
            {
                _turn.Release();
            }
        }
    }

    private async Task InTurnAsync(string topic, Func<Task> change, bool answer = true)
    {
        try
        {
            if (!await _turn.WaitAsync(TurnTimeout))
            {
                throw new TimeoutException("an earlier presence change of this connection is still waiting for Redis");
            }

            try
            {
                await change();
            }
            finally
            {
                _turn.Release();
            }
        }
        catch (Exception ex) when (PresenceStore.IsUnanswered(ex))
        {
            LogUnavailable(ex, connection.Id, topic);
            if (answer)
            {
                connection.Enqueue(Frames.Error("presence_unavailable", "presence is unavailable (Redis did not answer); try again shortly", topic));
            }
        }
    }

    private async Task QuietlyAsync(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (Exception ex) when (PresenceStore.IsUnanswered(ex))
        {
            LogUnanswered(ex, connection.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Presence unavailable (Redis) for connection {ConnectionId} on '{Topic}'")]
    private partial void LogUnavailable(Exception exception, string connectionId, string topic);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A presence leave or re-join of connection {ConnectionId} got no answer (Redis); its lease lapses on its own")]
    private partial void LogUnanswered(Exception exception, string connectionId);
}
