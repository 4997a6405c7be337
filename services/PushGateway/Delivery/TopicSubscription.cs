using RealtimeSync.PushGateway.Presence;
using RealtimeSync.PushLog;
using RealtimeSync.ServiceDefaults;

namespace RealtimeSync.PushGateway.Delivery;

/// <summary>
/// One connection's subscription to one topic. Live messages (from Redis pub/sub) and replayed ones (from
/// the topic log) meet here and leave in offset order with no gap and no duplicate: while a catch-up reads
/// the log, live messages wait in a <see cref="LiveBacklog"/>; a live message that skips an offset triggers a catch-up; one
/// at or below the last delivered offset is dropped. A changed epoch, or history already trimmed, is told
/// to the client as <c>resync</c> rather than papered over. A catch-up that keeps failing, or a buffer that
/// outgrows the send queue, ends the connection so the client reconnects and resumes from its offsets.
/// </summary>
public sealed partial class TopicSubscription
{
    private const int ReplayPage = 200;
    private const int MaxCatchUpRounds = 50;
    private const int MaxCatchUpAttempts = 6;
    private readonly object _gate = new();
    private readonly LiveBacklog _backlog;
    private readonly ClientConnection _connection;
    private readonly ITopicHistory _log;
    private readonly ILogger _logger;
    private string? _epoch;
    private long _last;
    private long? _startedAt;
    private bool _catchingUp;
    private bool _readAgain;
    private bool _closed;

    private TopicSubscription(string topic, ClientConnection connection, ITopicHistory log, ILogger logger, int bufferLimit)
    {
        Topic = topic;
        _connection = connection;
        _log = log;
        _logger = logger;
        _backlog = new LiveBacklog(bufferLimit);
        Presence = PresenceGate.For(topic, connection);
    }

    public string Topic { get; }

    /// <summary>The topic's presence events for this connection (they are not messages: no offsets, no log).</summary>
    public PresenceGate Presence { get; }

    /// <summary>
    /// Subscribes from <paramref name="from"/> (replaying what came after it; an empty epoch means "from the
    /// topic's first message"); when null, <see cref="StartAt"/> places it at the topic's head. Register the
    /// result for live messages before reading the head, and before <see cref="StartAsync"/>.
    /// </summary>
    public static TopicSubscription Create(string topic, TopicPosition? from, ClientConnection connection, ITopicHistory log, ILogger logger, int bufferLimit)
    {
        var subscription = new TopicSubscription(topic, connection, log, logger, bufferLimit) { _catchingUp = true };
        if (from is { } position)
        {
            subscription._epoch = string.IsNullOrEmpty(position.Epoch) ? null : position.Epoch;
            subscription._last = position.Offset;
            connection.Reposition(topic, position); // a cursor taken before the replay ends still holds this topic
        }

        return subscription;
    }

    /// <summary>Starts from the topic's head, read after registering: live messages at or below it are not new.</summary>
    public void StartAt(TopicHead head)
    {
        lock (_gate)
        {
            _epoch = head.Epoch;
            _last = head.Offset;
            _startedAt = head.Offset;
            _connection.Reposition(Topic, new TopicPosition(head.Epoch ?? string.Empty, head.Offset));
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => CatchUpAsync(cancellationToken);

    /// <summary>
    /// Reads what the log holds after the last delivered offset (live messages may have been lost unseen). While a catch-up
    /// runs, it reads once more before it ends: its read may have come before the messages that were lost.
    /// </summary>
    public void CatchUp()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            if (_catchingUp)
            {
                _readAgain = true;
                return;
            }

            _catchingUp = true;
        }

        _ = CatchUpAsync(CancellationToken.None);
    }

    /// <summary>Stops delivery (unsubscribe, or replaced by a resuming subscription); a running catch-up ends at its next step.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            _backlog.Clear();
        }
    }

    /// <summary>
    /// Closes this "from now" subscription for a resume of its topic from <paramref name="from"/> (a reconnecting client
    /// resuming users/&lt;me&gt; or broadcast), unless it has already delivered live messages while the resume point lies
    /// before its start: the client then holds later offsets than the replay would bring and would drop, as repeats, the
    /// messages it missed. Such a subscription stays, and <see cref="ResyncOvertakenResume"/> tells the client. Checked and
    /// closed under the gate, so no delivery slips in between.
    /// </summary>
    public bool CloseForResume(TopicPosition from)
    {
        lock (_gate)
        {
            if (_startedAt is { } start && _last > start && (from.Epoch != _epoch || from.Offset < start))
            {
                return false;
            }

            _closed = true;
            _backlog.Clear();
            return true;
        }
    }

    /// <summary>Tells the client that a resume came after live delivery had moved past it: reload, then go on from here.</summary>
    public void ResyncOvertakenResume()
    {
        lock (_gate)
        {
            if (!_closed)
            {
                Resync("resumed after live delivery had begun: what came before it was not delivered", new TopicPosition(_epoch ?? string.Empty, _last));
            }
        }
    }

    /// <summary>A live message for this topic (called in publish order by the fan-out).</summary>
    public void Offer(RoutedMessage message)
    {
        var needsCatchUp = false;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            if (_catchingUp)
            {
                Buffer(message);
                return;
            }

            if (_epoch is null)
            {
                _epoch = message.Epoch; // the topic's first message, as far as this subscription knows
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
                Buffer(message); // a gap: some message did not arrive live; fetch it from the log
                _catchingUp = needsCatchUp = true;
            }
        }

        if (needsCatchUp)
        {
            _ = CatchUpAsync(CancellationToken.None);
        }
    }

    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await CatchUpOnceAsync(cancellationToken);
                return;
            }
            catch (OperationCanceledException)
            {
                return; // the connection is ending
            }
            catch (Exception ex)
            {
                LogCatchUpFailed(ex, Topic, _connection.Id, attempt);
                if (attempt == MaxCatchUpAttempts)
                {
                    Close();
                    _connection.End(EndReason.ReplayFailed);
                    return;
                }

                await Task.Delay(Backoff.Exponential(attempt, TimeSpan.FromSeconds(5)), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task CatchUpOnceAsync(CancellationToken cancellationToken)
    {
        var page = Math.Min(ReplayPage, _connection.SendQueueLimit); // a page's frames must fit in an empty send queue
        var roomNeeded = 0; // characters the message that did not fit last round needs
        for (var stalled = 0; ;)
        {
            using var turn = await _connection.ReplayTurnAsync(page, roomNeeded, cancellationToken);
            string? epoch;
            long last;
            lock (_gate)
            {
                if (_closed)
                {
                    return;
                }

                (epoch, last) = (_epoch, _last);
            }

            var read = await _log.ReadAfterAsync(Topic, epoch, last, page);
            cancellationToken.ThrowIfCancellationRequested();
            lock (_gate)
            {
                if (_closed)
                {
                    return;
                }

                if (read.HistoryGone)
                {
                    Resync(epoch is not null && epoch != read.Head.Epoch ? "epoch changed: the topic's history was lost" : "history gone: offsets older than the retention",
                        new TopicPosition(read.Head.Epoch ?? string.Empty, read.Head.Offset));
                }

                _epoch ??= read.Head.Epoch;
                roomNeeded = 0;
                foreach (var message in read.Messages.Select(logged => RoutedMessage.TryParse(logged.Json)).OfType<RoutedMessage>())
                {
                    if (message.Offset != _last + 1)
                    {
                        continue;
                    }

                    if (!ReplayLocked(message, out roomNeeded))
                    {
                        break; // the rest of a page of big messages waits for the client to read
                    }
                }

                // Only rounds that deliver nothing while nothing waits for room are counted: they mean the log and the live
                // stream disagree. Delivering rounds are bounded by the log and the live buffer, waiting ones by RoomTimeout.
                stalled = _last != last || roomNeeded > 0 ? 0 : stalled + 1;
                if (stalled >= MaxCatchUpRounds)
                {
                    // The log and the live stream keep disagreeing: say so and start over from where the topic stands.
                    Resync("could not close a gap in the topic", new TopicPosition(read.Head.Epoch ?? string.Empty, read.Head.Offset));
                    DrainBufferLocked();
                    _catchingUp = _readAgain = false;
                    return;
                }

                if (read.Messages.Count == page || roomNeeded > 0)
                {
                    continue; // more history to read before the buffer
                }

                var drained = DrainBufferLocked();
                if (drained && _readAgain)
                {
                    _readAgain = false;
                    continue; // asked to catch up while this one read: what was lost may have come after that read
                }

                if (drained)
                {
                    _catchingUp = false;
                    _connection.Reposition(Topic, new TopicPosition(_epoch ?? string.Empty, _last)); // a resume point even before any message
                    return;
                }
            }
        }
    }

    private void Buffer(RoutedMessage message)
    {
        if (!_backlog.TryAdd(message))
        {
            // Live messages pile up faster than the replay can catch up: the client resumes more cheaply than we buffer.
            _closed = true;
            _backlog.Clear();
            _connection.End(EndReason.Overflow);
        }
    }

    /// <summary>Delivers buffered live messages in order; false when one is still missing (catch up again).</summary>
    private bool DrainBufferLocked()
    {
        _epoch ??= _backlog.OldestEpoch; // the topic had no history when we looked; its first messages define the epoch
        while (!_closed && _backlog.TakeNext(_epoch, _last) is { } next)
        {
            DeliverLocked(next);
        }

        return _backlog.IsEmpty;
    }

    /// <summary>Delivers a replayed message if the client's queue has room for it now; false (nothing changed, <paramref name="needed"/> the frame's size) when it must wait.</summary>
    private bool ReplayLocked(RoutedMessage message, out int needed)
    {
        if (!_connection.TryReplay(message, out needed))
        {
            return false;
        }

        _epoch ??= message.Epoch;
        _last = message.Offset;
        PushTelemetry.Replays.Add(1);
        return true;
    }

    private void DeliverLocked(RoutedMessage message)
    {
        if (_closed)
        {
            return;
        }

        _epoch ??= message.Epoch;
        _last = message.Offset;
        _connection.Deliver(message);
    }

    private void Resync(string reason, TopicPosition current)
    {
        _epoch = string.IsNullOrEmpty(current.Epoch) ? null : current.Epoch;
        _last = current.Offset;
        _backlog.DropThrough(current);
        _connection.Reposition(Topic, current);
        _connection.Enqueue(Frames.Resync(Topic, reason, current));
        PushTelemetry.Resyncs.Add(1);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Catch-up of {Topic} for connection {ConnectionId} failed (attempt {Attempt})")]
    private partial void LogCatchUpFailed(Exception exception, string topic, string connectionId, int attempt);
}
