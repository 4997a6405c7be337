namespace RealtimeSync.PushGateway.Delivery;

/// <summary>
/// The live messages of one subscription that cannot be delivered yet: they came while a catch-up read the topic log, or
/// after a gap. They leave in offset order once every message before them is delivered, and a repeat of a delivered offset
/// never leaves. Bounded: a subscription whose backlog passes its limit is ended (the client resumes from its offsets more
/// cheaply than this buffers). Not thread-safe: its subscription's gate guards it.
/// </summary>
public sealed class LiveBacklog(int limit)
{
    private readonly List<RoutedMessage> _messages = [];
    private bool _sorted = true;

    public bool IsEmpty => _messages.Count == 0;

    /// <summary>The epoch of the oldest message held (null when none is): what a topic without history when it was read starts with.</summary>
    public string? OldestEpoch
    {
        get
        {
            Sort();
            return _messages.Count > 0 ? _messages[0].Epoch : null;
        }
    }

    /// <summary>Holds a message; false when it is one more than the limit (the caller ends the subscription).</summary>
    public bool TryAdd(RoutedMessage message)
    {
        _sorted &= _messages.Count == 0 || message.Offset >= _messages[^1].Offset;
        _messages.Add(message);
        return _messages.Count <= limit;
    }

    /// <summary>
    /// Takes the message that follows offset <paramref name="last"/> of <paramref name="epoch"/>, dropping those held at or below
    /// it; null when none is held or the next one held is not that one (it is missing, or of another epoch).
    /// </summary>
    public RoutedMessage? TakeNext(string? epoch, long last)
    {
        Sort();
        while (_messages.Count > 0 && _messages[0].Epoch == epoch && _messages[0].Offset <= last + 1)
        {
            var next = _messages[0];
            _messages.RemoveAt(0);
            if (next.Offset == last + 1)
            {
                return next;
            }
        }

        return null;
    }

    /// <summary>Drops what a resync to <paramref name="current"/> leaves behind: other epochs, and offsets at or below it.</summary>
    public void DropThrough(TopicPosition current) =>
        _messages.RemoveAll(message => message.Epoch != current.Epoch || message.Offset <= current.Offset);

    public void Clear()
    {
        _messages.Clear();
        _sorted = true;
    }

    private void Sort()
    {
        if (!_sorted)
        {
            _messages.Sort((a, b) => a.Offset.CompareTo(b.Offset));
            _sorted = true;
        }
    }
}
