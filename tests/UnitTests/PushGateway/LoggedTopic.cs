using RealtimeSync.PushLog;

namespace RealtimeSync.UnitTests.PushGateway;

/// <summary>A topic's log as a subscription reads it: its epoch, its messages, and nothing trimmed.</summary>
internal sealed class LoggedTopic(string topic, string epoch) : ITopicHistory
{
    private readonly List<LoggedMessage> _messages = [];
    private TaskCompletionSource? _held;

    /// <summary>Completes when a held read (<see cref="HoldNextRead"/>) has taken what the log held.</summary>
    public TaskCompletionSource ReadTaken { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private string Message(long offset, int padding) =>
        "{\"topic\":\"" + topic + "\",\"offset\":" + offset + ",\"epoch\":\"" + epoch + "\",\"type\":\"note\",\"payload\":{\"n\":" + offset
        + (padding > 0 ? ",\"pad\":\"" + new string('x', padding) + "\"" : string.Empty) + "}}";

    /// <summary>Logs the next message (with <paramref name="padding"/> characters more) and returns it as it is published.</summary>
    public string Append(int padding = 0)
    {
        var json = Message(_messages.Count + 1, padding);
        _messages.Add(new LoggedMessage(_messages.Count + 1, json));
        return json;
    }

    /// <summary>The next read takes what the log holds at once but answers only when <paramref name="release"/> completes: a read that ran before later appends.</summary>
    public void HoldNextRead(Task release)
    {
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = release.ContinueWith(_ => held.TrySetResult(), TaskScheduler.Default);
        _held = held;
    }

    public async Task<TopicRead> ReadAfterAsync(string topic, string? epoch, long afterOffset, int limit = 1000)
    {
        var read = new TopicRead(new TopicHead(topic, _messages.Count == 0 ? null : epoch, _messages.Count, 0), _messages.Where(message => message.Offset > afterOffset).Take(limit).ToList(), HistoryGone: false);
        if (Interlocked.Exchange(ref _held, null) is { } held)
        {
            ReadTaken.TrySetResult();
            await held.Task;
        }

        return read;
    }
}
