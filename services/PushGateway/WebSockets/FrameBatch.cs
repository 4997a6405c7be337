using System.Buffers;
using System.Text;
using System.Threading.Channels;

namespace RealtimeSync.PushGateway.WebSockets;

/// <summary>
/// The frames one WebSocket message carries. A client that asks for the <see cref="SubProtocol"/> gets, in one message, every
/// frame already queued for it (up to <see cref="MaxFrames"/> and about <see cref="MaxBytes"/>), one JSON per line:
/// compact JSON holds no raw line break, so splitting on '\n' gives the frames back in order. In a burst that is one send,
/// one proxied read and one client wake-up per batch instead of per message (SignalR packs its messages the same way).
/// Other clients get one frame per message. Either way the bytes go into a pooled buffer: none is allocated per frame.
/// </summary>
public readonly struct FrameBatch : IDisposable
{
    /// <summary>The WebSocket subprotocol of line-packed messages (decision 0021).</summary>
    public const string SubProtocol = "realtimesync.lines";

    public const int MaxFrames = 64;

    public const int MaxBytes = 32 * 1024;

    private readonly byte[] _buffer;

    private FrameBatch(byte[] buffer, int length, int count) => (_buffer, Length, Count) = (buffer, length, count);

    public int Length { get; }

    /// <summary>How many frames the message carries.</summary>
    public int Count { get; }

    public ReadOnlyMemory<byte> Bytes => _buffer.AsMemory(0, Length);

    /// <summary>Packs <paramref name="first"/> and, when <paramref name="lines"/>, what else <paramref name="queue"/> holds right now.</summary>
    public static FrameBatch Pack(string first, ChannelReader<string> queue, bool lines)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(lines ? MaxBytes : 0, Encoding.UTF8.GetMaxByteCount(first.Length)));
        var length = Encoding.UTF8.GetBytes(first, buffer);
        var count = 1;
        while (lines && count < MaxFrames && queue.TryPeek(out var next)
            && length + 1 + Encoding.UTF8.GetMaxByteCount(next.Length) <= buffer.Length && queue.TryRead(out next))
        {
            buffer[length++] = (byte)'\n';
            length += Encoding.UTF8.GetBytes(next, buffer.AsSpan(length));
            count++;
        }

        return new FrameBatch(buffer, length, count);
    }

    public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);
}
