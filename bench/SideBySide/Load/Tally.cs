using System.Diagnostics;

namespace RealtimeSync.Bench.SideBySide.Load;

/// <summary>
/// One subscriber's count of one round: which of the round's sequence numbers came (each once), how late, for
/// RealtimeSync whether each topic's offsets only grew, and, given <paramref name="requestOf"/>, whether the messages
/// of one publish request came in the order it published them. Written by the subscriber's receive loop, read by the round.
/// </summary>
/// <param name="first">The round's first sequence number.</param>
/// <param name="count">The round's messages.</param>
/// <param name="requestOf">
/// By index in the round, the publish request that carried the message (the change-rate round's batches), or null when
/// no order is promised (concurrent single publishes). The round writes an entry before it sends the request, so before
/// the message can come back.
/// </param>
internal sealed class Tally(long first, int count, int[]? requestOf = null)
{
    private readonly bool[] _seen = new bool[count];
    private readonly List<double> _latencies = new(count);
    private readonly List<double> _commitLatencies = [];
    private readonly Dictionary<string, long> _lastOffsets = [];
    private readonly Dictionary<int, long> _lastInRequest = [];
    private int _received;
    private int _frames;

    public int Received => Volatile.Read(ref _received);

    public int Duplicates { get; private set; }

    /// <summary>Messages of no sequence number in this round (a previous round's, late).</summary>
    public int Stray { get; private set; }

    /// <summary>Messages behind an earlier one of their topic (RealtimeSync's offsets) or of their publish request.</summary>
    public int OutOfOrder { get; private set; }

    public long FrameBytes { get; private set; }

    /// <summary>WebSocket messages that carried at least one of this round's messages (several, when the server packs them).</summary>
    public int Frames => Volatile.Read(ref _frames);

    public long LastReceivedAt { get; private set; }

    public int Missing => count - Received;

    public void Record(in Delivery delivery, int frameBytes)
    {
        lock (_seen)
        {
            var index = delivery.Sequence - first;
            if (index < 0 || index >= count)
            {
                Stray++;
                return;
            }

            if (_seen[index])
            {
                Duplicates++;
                return;
            }

            _seen[index] = true;
            _latencies.Add(Stopwatch.GetElapsedTime(delivery.SentAt, delivery.ReceivedAt).TotalMilliseconds);
            if (delivery.CommitToReceiptMs is { } commitLatency)
            {
                _commitLatencies.Add(commitLatency);
            }

            var behind = false;
            if (delivery.Topic is { } topic)
            {
                behind = _lastOffsets.TryGetValue(topic, out var last) && delivery.Offset <= last;
                _lastOffsets[topic] = delivery.Offset;
            }

            if (requestOf is not null)
            {
                var request = requestOf[index];
                behind |= _lastInRequest.TryGetValue(request, out var previous) && delivery.Sequence < previous;
                _lastInRequest[request] = Math.Max(previous, delivery.Sequence);
            }

            OutOfOrder += behind ? 1 : 0;

            FrameBytes += frameBytes;
            LastReceivedAt = Math.Max(LastReceivedAt, delivery.ReceivedAt);
            Volatile.Write(ref _received, _received + 1);
        }
    }

    public void CountFrame() => Interlocked.Increment(ref _frames);

    /// <summary>By index in the round, whether the message came (a copy).</summary>
    public bool[] Seen()
    {
        lock (_seen)
        {
            return [.. _seen];
        }
    }

    /// <summary>Publish-to-receipt, ms, of each message that came.</summary>
    public IReadOnlyList<double> Latencies()
    {
        lock (_seen)
        {
            return [.. _latencies];
        }
    }

    /// <summary>Commit-to-receipt, ms (RealtimeSync only).</summary>
    public IReadOnlyList<double> CommitLatencies()
    {
        lock (_seen)
        {
            return [.. _commitLatencies];
        }
    }
}
