using System.Threading.Channels;

namespace RealtimeSync.PushGateway.Delivery;

/// <summary>
/// The frames waiting for one client, bounded in number and in characters: a few huge frames must overflow a slow client as
/// surely as many small ones. A frame larger than the whole character bound still goes to an empty queue (an idle client
/// gets a big message), never to a queue that holds anything. Reading it (the transport's one sender loop) frees the room.
/// </summary>
public sealed class SendQueue(int frameLimit, long charLimit) : ChannelReader<string>
{
    private readonly Channel<string> _frames = Channel.CreateBounded<string>(
        new BoundedChannelOptions(frameLimit) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private long _chars;

    /// <summary>Characters queued: what the waiting frames hold.</summary>
    public long Chars => Interlocked.Read(ref _chars);

    public override bool CanCount => true;

    public override bool CanPeek => true;

    public override int Count => _frames.Reader.Count;

    public override Task Completion => _frames.Reader.Completion;

    /// <summary>Queues a frame; false when either bound is reached (or the queue is completed).</summary>
    public bool TryWrite(string frame)
    {
        var queued = Interlocked.Add(ref _chars, frame.Length);
        if ((queued > charLimit && queued != frame.Length) || !_frames.Writer.TryWrite(frame))
        {
            Interlocked.Add(ref _chars, -frame.Length);
            return false;
        }

        return true;
    }

    public void Complete() => _frames.Writer.TryComplete();

    public override bool TryRead(out string item)
    {
        if (!_frames.Reader.TryRead(out item!))
        {
            return false;
        }

        Interlocked.Add(ref _chars, -item.Length);
        return true;
    }

    /// <summary>The next frame without taking it: a WebSocket batch looks before it packs (<c>FrameBatch.Pack</c>).</summary>
    public override bool TryPeek(out string item) => _frames.Reader.TryPeek(out item!);

    public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) => _frames.Reader.WaitToReadAsync(cancellationToken);
}
