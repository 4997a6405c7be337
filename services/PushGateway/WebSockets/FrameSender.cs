using System.Net.WebSockets;
using RealtimeSync.PushGateway.Delivery;

namespace RealtimeSync.PushGateway.WebSockets;

/// <summary>
/// A WebSocket connection's one sender loop: writes queued frames, and when the connection ends on the
/// server's side, says why with a close code. A send in flight is never cancelled by that ending, because
/// cancelling a WebSocket send aborts the socket and the client would see a dropped connection instead of
/// the code; it is cut only when the client accepts nothing for the stall limit, leaves, or the server stops.
/// </summary>
public static class FrameSender
{
    /// <summary>How long a client gets to answer the server's close before the socket is dropped.</summary>
    public static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Sends the connection's frames until it ends; with <paramref name="lines"/> (the client speaks <see cref="FrameBatch.SubProtocol"/>), what is queued goes out packed.</summary>
    public static async Task SendAsync(
        ClientConnection connection, WebSocket socket, bool lines, TimeSpan stallLimit, CancellationToken shuttingDown, CancellationToken clientGone, CancellationToken stopSending)
    {
        var stalled = CancellationTokenSource.CreateLinkedTokenSource(clientGone, shuttingDown);
        try
        {
            await foreach (var frame in connection.Frames.ReadAllAsync(stopSending))
            {
                stopSending.ThrowIfCancellationRequested(); // ended: close now instead of sending out the queue first
                using var batch = FrameBatch.Pack(frame, connection.Frames, lines);
                try
                {
                    // The socket copies the bytes into its own frame before this returns, so the batch's buffer goes back even if it throws.
                    var send = socket.SendAsync(batch.Bytes, WebSocketMessageType.Text, endOfMessage: true, stalled.Token);
                    if (send.IsCompleted)
                    {
                        await send; // the usual case, taken by the transport's buffer: no timer to set and reset
                    }
                    else
                    {
                        // Only a send that waits (the client reads slowly, the buffer is full) is timed.
                        stalled.CancelAfter(stallLimit);
                        await send;
                        if (!stalled.TryReset())
                        {
                            // The timer fired as the send completed: the frame went out, so this was no stall, but a cancelled
                            // source stays cancelled. The next send gets a fresh one (cancelled at once if the client or server is going).
                            stalled.Dispose();
                            stalled = CancellationTokenSource.CreateLinkedTokenSource(clientGone, shuttingDown);
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                    return; // the client stopped reading, or left, or the server stops mid-send: the socket is aborted
                }
            }
        }
        catch (OperationCanceledException) when (connection.Ended == EndReason.Overflow)
        {
            await CloseAsync(socket, (CloseCodes.QueueOverflow, "send queue overflow: reconnect and resume from your offsets"));
        }
        catch (OperationCanceledException) when (connection.Ended == EndReason.ReplayFailed)
        {
            await CloseAsync(socket, (WebSocketCloseStatus.InternalServerError, "replay failed: reconnect and resume from your offsets"));
        }
        catch (OperationCanceledException) when (connection.Ended == EndReason.TokenExpired)
        {
            await CloseAsync(socket, (CloseCodes.TokenExpired, "token expired: connect again with a fresh token and resume from your offsets"));
        }
        catch (OperationCanceledException) when (shuttingDown.IsCancellationRequested)
        {
            await CloseAsync(socket, (WebSocketCloseStatus.EndpointUnavailable, "server shutting down: reconnect and resume from your offsets"));
        }
        catch (OperationCanceledException)
        {
            // The receiver ended the connection and closes it with its own reason.
        }
        finally
        {
            stalled.Dispose();
        }
    }

    public static async Task CloseAsync(WebSocket socket, (WebSocketCloseStatus Status, string Reason) close)
    {
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var timeout = new CancellationTokenSource(CloseHandshakeTimeout);
            await socket.CloseOutputAsync(close.Status, close.Reason, timeout.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
