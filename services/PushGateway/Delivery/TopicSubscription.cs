using RealtimeSync.PushLog;

namespace RealtimeSync.PushGateway.Delivery;

/// <summary>
/// One connection's subscription to one topic. Live messages (from Redis pub/sub) and replayed ones (from
/// the topic log) meet here and leave in offset order with no gap and no duplicate: while a catch-up reads
/// the log, live messages wait in a buffer; a live message that skips an offset triggers a catch-up; one
/// at or below the last delivered offset is dropped. A changed epoch, or history already trimmed, is told
/// to the client as <c>resync</c> rather than papered over.
/// </summary>
public sealed partial class TopicSubscription
{
    private const int ReplayPage = 500;
    private const int MaxCatchUpRounds = 20;
    private readonly object _gate = new();
    private readonly List<RoutedMessage> _buffer = [];
    private readonly ClientConnection _connection;
    private readonly TopicLog _log;
    private readonly ILogger _logger;
    private string? _epoch;
    private long _last;
    private bool _catchingUp;

    private TopicSubscription(string topic, ClientConnection connection, TopicLog log, ILogger logger)
    {
        Topic = topic;
        _connection = connection;
        _log = log;
        _logger = logger;
    }

    public string Topic { get; }

    /// <summary>
    /// Subscribes from <paramref name="from"/> (replaying what came after it), or from the topic's current
    /// position when null. Register the result for live messages before awaiting <see cref="StartAsync"/>.
    /// </summary>
    public static TopicSubscription Create(string topic, TopicPosition? from, ClientConnection connection, TopicLog log, ILogger logger)
    {
        var subscription = new TopicSubscription(topic, connection, log, logger) { _catchingUp = true };
        if (from is { } position)
        {
            subscription._epoch = position.Epoch;
            subscription._last = position.Offset;
        }

        return subscription;
    }

    public Task StartAsync(bool replay, CancellationToken cancellationToken) => CatchUpAsync(replay, cancellationToken);

    /// <summary>A live message for this topic (called in publish order by the fan-out).</summary>
    public void Offer(RoutedMessage message)
    {
        var needsCatchUp = false;
        lock (_gate)
        {
            if (_catchingUp)
            {
                _buffer.Add(message);
                return;
            }

            if (_epoch is null)
            {
                _epoch = message.Epoch; // the topic's first message ever, as far as this subscription knows
            }
            else if (message.Epoch != _epoch)
            {
                Resync("epoch changed: the topic's history was lost", new TopicPosition(message.Epoch, message.Offset - 1));
            }

            if (message.Offset == _last + 1)
            {
                DeliverLocked(message);
            }
            else if (message.Offset > _last + 1)
            {
                _buffer.Add(message); // a gap: some message did not arrive live; fetch it from the log
                _catchingUp = needsCatchUp = true;
            }
        }

        if (needsCatchUp)
        {
            _ = CatchUpAsync(replay: true, CancellationToken.None);
        }
    }

    private async Task CatchUpAsync(bool replay, CancellationToken cancellationToken)
    {
        try
        {
            if (!replay)
            {
                // "From now" means from registration. The head is read after registering, so messages already
                // buffered (published after registration) may be at or below it: they are delivered, not skipped.
                var head = (await _log.HeadsAsync([Topic]))[0];
                lock (_gate)
                {
                    var firstLive = _buffer.Where(message => message.Epoch == head.Epoch).Select(message => message.Offset).DefaultIfEmpty(long.MaxValue).Min();
                    _epoch = head.Epoch;
                    _last = Math.Min(head.Offset, firstLive - 1);
                }
            }

            for (var round = 1; ; round++)
            {
                string? epoch;
                long last;
                lock (_gate)
                {
                    (epoch, last) = (_epoch, _last);
                }

                var read = await _log.ReadAfterAsync(Topic, epoch, last, ReplayPage);
                cancellationToken.ThrowIfCancellationRequested();
                lock (_gate)
                {
                    if (read.HistoryGone)
                    {
                        Resync(epoch != read.Head.Epoch ? "epoch changed: the topic's history was lost" : "history gone: offsets older than the retention",
                            new TopicPosition(read.Head.Epoch ?? string.Empty, read.Head.Offset));
                    }

                    foreach (var message in read.Messages.Select(logged => RoutedMessage.TryParse(logged.Json)).OfType<RoutedMessage>())
                    {
                        if (message.Offset == _last + 1)
                        {
                            DeliverLocked(message);
                        }
                    }

                    if (read.Messages.Count == ReplayPage)
                    {
                        continue; // more history to read before the buffer
                    }

                    if (DrainBufferLocked())
                    {
                        _catchingUp = false;
                        return;
                    }

                    if (round == MaxCatchUpRounds)
                    {
                        // The log and the live stream keep disagreeing: say so and start over from where the topic stands.
                        Resync("could not close a gap in the topic", new TopicPosition(read.Head.Epoch ?? string.Empty, read.Head.Offset));
                        DrainBufferLocked();
                        _catchingUp = false;
                        return;
                    }
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCatchUpFailed(ex, Topic, _connection.Id);
            _connection.Enqueue(Frames.Error("replay_failed", $"could not replay '{Topic}'; reconnect with your offsets", Topic));
        }
    }

    /// <summary>Delivers buffered live messages in order; false when one is still missing (catch up again).</summary>
    private bool DrainBufferLocked()
    {
        _buffer.Sort((a, b) => a.Offset.CompareTo(b.Offset));
        if (_epoch is null && _buffer.Count > 0)
        {
            _epoch = _buffer[0].Epoch; // the topic had no history when we looked; its first messages define the epoch
        }

        while (_buffer.Count > 0)
        {
            var next = _buffer[0];
            if (next.Epoch != _epoch || next.Offset > _last + 1)
            {
                return false;
            }

            _buffer.RemoveAt(0);
            if (next.Offset == _last + 1)
            {
                DeliverLocked(next);
            }
        }

        return true;
    }

    private void DeliverLocked(RoutedMessage message)
    {
        _last = message.Offset;
        if (message.Origin is not null && message.Origin == _connection.Id)
        {
            _connection.Reposition(Topic, new TopicPosition(message.Epoch, message.Offset)); // not echoed to its author (seed 002)
            return;
        }

        _connection.Deliver(message, Access.TopicAccess.ForSubscriber(message, _connection.Subscriber));
    }

    private void Resync(string reason, TopicPosition current)
    {
        _epoch = current.Epoch;
        _last = current.Offset;
        _buffer.RemoveAll(message => message.Epoch != current.Epoch || message.Offset <= current.Offset);
        _connection.Reposition(Topic, current);
        _connection.Enqueue(Frames.Resync(Topic, reason, current));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Catch-up of {Topic} for connection {ConnectionId} failed")]
    private partial void LogCatchUpFailed(Exception exception, string topic, string connectionId);
}
