using System.Diagnostics;

namespace RealtimeSync.Bench.SideBySide.Load;

/// <summary>
/// One subscriber's count of one round: which of the round's sequence numbers came (each once), how late, and for
/// RealtimeSync whether each topic's offsets only grew. Written by the subscriber's receive loop, read by the round.
/// </summary>
internal sealed class Tally(long first, int count)
{
    private readonly bool[] _seen = new bool[count];
    private readonly List<double> _latencies = new(count);
    private readonly List<double> _commitLatencies = [];
    private readonly Dictionary<string, long> _lastOffsets = [];
    private int _received;
    private int _frames;

    public int Received => Volatile.Read(ref _received);

    public int Duplicates { get; private set; }

    /// <summary>Messages of no sequence number in this round (a previous round's, late).</summary>
    public int Stray { get; private set; }

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

            if (delivery.Topic is { } topic)
            {
                OutOfOrder += _lastOffsets.TryGetValue(topic, out var last) && delivery.Offset <= last ? 1 : 0;
                _lastOffsets[topic] = delivery.Offset;
            }

            FrameBytes += frameBytes;
            LastReceivedAt = Math.Max(LastReceivedAt, delivery.ReceivedAt);
            Volatile.Write(ref _received, _received + 1);
        }
    }

    public void CountFrame() => Interlocked.Increment(ref _frames);

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
