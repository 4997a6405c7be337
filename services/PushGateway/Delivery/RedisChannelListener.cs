using StackExchange.Redis;

namespace RealtimeSync.PushGateway.Delivery;

/// <summary>
/// Listens on one Redis pub/sub channel and hands its messages over one at a time, in publish order. What is published
/// while the subscription connection is away is lost to pub/sub, so after it comes back the listener catches up: soon, and
/// once more later, for a resubscription that was slow. A backlog past <paramref name="backlogLimit"/> is dropped for a catch-up
/// too (<see cref="PublishedMessageReader"/>).
/// </summary>
public abstract class RedisChannelListener(IConnectionMultiplexer redis, string channel, int backlogLimit, ILogger logger) : IHostedService
{
    // Resubscribing follows the reconnect closely; catching up once soon and once later covers a slow one.
    private static readonly TimeSpan[] CatchUpDelays = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)];
    private readonly CancellationTokenSource _stopping = new();
    private readonly PublishedMessageReader _reader = new(backlogLimit, logger);
    private ChannelMessageQueue? _messages;
    private Task _reading = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionRestored += OnConnectionRestored;
        _messages = await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(channel));
        _reading = _reader.RunAsync(new RedisChannelMessages(_messages), Receive, CatchUpAsync, _stopping.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionRestored -= OnConnectionRestored;
        await _stopping.CancelAsync();
        if (_messages is not null)
        {
            await _messages.UnsubscribeAsync();
        }

        await _reading.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    protected abstract void Receive(string message);

    /// <summary>Recovers what may have been published while this instance was not listening.</summary>
    protected abstract Task CatchUpAsync();

    /// <summary>Called once when the subscription connection is back, before the catch-ups.</summary>
    protected virtual void OnRestored()
    {
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType != ConnectionType.Subscription)
        {
            return;
        }

        OnRestored();
        _ = CatchUpAllAsync(_stopping.Token);
    }

    private async Task CatchUpAllAsync(CancellationToken cancellationToken)
    {
        foreach (var delay in CatchUpDelays)
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            await CatchUpAsync();
        }
    }
}
