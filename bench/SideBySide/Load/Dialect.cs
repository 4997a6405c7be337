using System.Net.WebSockets;

namespace RealtimeSync.Bench.SideBySide.Load;

/// <summary>
/// What differs per system on the wire, and only that: how a connection opens, what keeps it alive, and where the
/// message is in a frame. Everything else (counting, timing, checking) is the same <see cref="Subscriber"/> for all.
/// </summary>
internal abstract class Dialect
{
    public abstract string Name { get; }

    /// <summary>A frame to send every so often, for a server that drops silent clients.</summary>
    public virtual (ReadOnlyMemory<byte> Frame, TimeSpan Interval)? KeepAlive => null;

    /// <summary>Sets up the WebSocket before it connects (a subprotocol to offer).</summary>
    public virtual void Configure(ClientWebSocketOptions options)
    {
    }

    /// <summary>Says what the protocol needs after the WebSocket opened, and returns once the server will deliver to it.</summary>
    public abstract Task OpenAsync(Subscriber subscriber, CancellationToken cancellationToken);

    /// <summary>Handles one received message (counting what it delivers in the subscriber); returns a reply to send, if any.</summary>
    public abstract ReadOnlyMemory<byte>? Read(Subscriber subscriber, ReadOnlySpan<byte> frame, long receivedAt);
}
