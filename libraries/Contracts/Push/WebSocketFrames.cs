using System.Net.WebSockets;

namespace RealtimeSync.Contracts.Push;

/// <summary>How both ends of the push protocol read one whole WebSocket message (frames arrive in pieces).</summary>
public static class WebSocketFrames
{
    /// <summary>
    /// Reads one message into <paramref name="buffer"/>. <c>Closed</c>: the peer sent a close frame.
    /// <c>TooBig</c>: the message did not fit, and the rest of it was not read.
    /// </summary>
    public static async Task<(int Length, bool Closed, bool TooBig)> ReceiveAsync(WebSocket socket, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var length = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            if (length == buffer.Length)
            {
                return (length, false, true);
            }

            result = await socket.ReceiveAsync(buffer[length..], cancellationToken);
            length += result.Count;
        }
        while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

        return (length, result.MessageType == WebSocketMessageType.Close, false);
    }
}
