using System.Text;
using System.Text.Json;

namespace RealtimeSync.Bench.SideBySide.Load;

/// <summary>
/// Socket.IO v4 over a raw WebSocket (<c>/socket.io/?EIO=4&amp;transport=websocket</c>): Engine.IO's open packet <c>0{...}</c>,
/// the client's namespace connect <c>40</c> and its answer <c>40{...}</c>; the server pings (<c>2</c>) and the client answers
/// <c>3</c>; events arrive as <c>42["m","text"]</c>.
/// </summary>
internal sealed class SocketIoDialect : Dialect
{
    private static readonly byte[] Connect = "40"u8.ToArray();
    private static readonly byte[] Pong = "3"u8.ToArray();

    public override string Name => "socketio";

    public override async Task OpenAsync(Subscriber subscriber, CancellationToken cancellationToken)
    {
        var open = await subscriber.ReceiveOneAsync(cancellationToken);
        if (open.Span is not [(byte)'0', ..])
        {
            throw new InvalidOperationException("Socket.IO: expected the open packet, got " + Encoding.UTF8.GetString(open.Span));
        }

        await subscriber.SendAsync(Connect, cancellationToken);
        while (true)
        {
            var packet = await subscriber.ReceiveOneAsync(cancellationToken);
            switch (packet.Span)
            {
                case [(byte)'4', (byte)'0', ..]:
                    return;
                case [(byte)'2']:
                    await subscriber.SendAsync(Pong, cancellationToken);
                    break;
                default:
                    throw new InvalidOperationException("Socket.IO: namespace connect refused: " + Encoding.UTF8.GetString(packet.Span));
            }
        }
    }

    public override ReadOnlyMemory<byte>? Read(Subscriber subscriber, ReadOnlySpan<byte> frame, long receivedAt)
    {
        switch (frame)
        {
            case [(byte)'2']:
                return Pong;
            case [(byte)'4', (byte)'2', ..]:
                var reader = new Utf8JsonReader(frame[2..]);
                if (reader.Read() && reader.TokenType == JsonTokenType.StartArray && reader.Read() && reader.ValueTextEquals("m"u8) && reader.Read()
                    && MessageText.TryParseString(ref reader, out var sequence, out var sentAt))
                {
                    subscriber.Deliver(new Delivery(sequence, sentAt, receivedAt), frame.Length);
                }

                return null;
            case [(byte)'1', ..] or [(byte)'4', (byte)'1', ..]:
                subscriber.End("Socket.IO close: " + Encoding.UTF8.GetString(frame));
                return null;
            default:
                return null;
        }
    }
}
