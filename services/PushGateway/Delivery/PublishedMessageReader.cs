using System.Threading.Channels;

namespace RealtimeSync.PushGateway.Delivery;

/// <summary>
/// Hands a channel's messages to a receiver one at a time, in publish order. The client library queues what arrives without
/// a bound, so when more than <see cref="BacklogLimit"/> wait (this instance reads slower than they come) the reader drops
/// them all and asks for one catch-up instead: the topic log holds every message, so a burst costs a catch-up, never memory
/// without end. A receiver that throws loses that one message (the gap check recovers it), not the listener.
/// </summary>
public sealed partial class PublishedMessageReader(int backlogLimit, ILogger logger)
{
    public int BacklogLimit { get; } = backlogLimit > 0 ? backlogLimit : throw new ArgumentOutOfRangeException(nameof(backlogLimit));

    /// <summary>Reads until the subscription ends or <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(IPublishedMessages messages, Action<string> receive, Func<Task> catchUp, CancellationToken cancellationToken)
    {
        while (await NextAsync(messages, cancellationToken) is { } message)
        {
            if (messages.Waiting > BacklogLimit)
            {
                var dropped = 1;
                while (messages.TryRead(out _))
                {
                    dropped++;
                }

                LogOverflow(dropped, BacklogLimit);
                try
                {
                    await catchUp();
                }
                catch (Exception e)
                {
                    LogCatchUpFailed(e);
                }

                continue;
            }

            try
            {
                receive(message);
            }
            catch (Exception e)
            {
                LogFailed(e);
            }
        }
    }

    // A ValueTask: on the hot path the next message is usually there already, and a Task per message would be garbage.
    private static async ValueTask<string?> NextAsync(IPublishedMessages messages, CancellationToken cancellationToken)
    {
        try
        {
            return messages.TryRead(out var waiting) ? waiting : await messages.ReadAsync(cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "This instance fell {Dropped} pub/sub messages behind (limit {Limit}): dropped them and catches up from the log")]
    private partial void LogOverflow(int dropped, int limit);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling a pub/sub message failed; the topic log's gap check recovers what it carried")]
    private partial void LogFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Catching up after an overflow failed; each subscription's next gap check catches it up")]
    private partial void LogCatchUpFailed(Exception exception);
}
