using RealtimeSync.PushLog;

namespace RealtimeSync.UnitTests.PushGateway;

/// <summary>A topic's log as a subscription reads it: its epoch, its messages, and nothing trimmed.</summary>
internal sealed class LoggedTopic(string topic, string epoch) : ITopicHistory
{
    private readonly List<LoggedMessage> _messages = [];

    private string Message(long offset) =>
        "{\"topic\":\"" + topic + "\",\"offset\":" + offset + ",\"epoch\":\"" + epoch + "\",\"type\":\"note\",\"payload\":{\"n\":" + offset + "}}";

    /// <summary>Logs the next message and returns it as it is published.</summary>
    public string Append()
    {
        var json = Message(_messages.Count + 1);
        _messages.Add(new LoggedMessage(_messages.Count + 1, json));
        return json;
    }

    public Task<TopicRead> ReadAfterAsync(string topic, string? epoch, long afterOffset, int limit = 1000) =>
        Task.FromResult(new TopicRead(new TopicHead(topic, _messages.Count == 0 ? null : epoch, _messages.Count, 0), _messages.Where(message => message.Offset > afterOffset).Take(limit).ToList(), HistoryGone: false));
}
