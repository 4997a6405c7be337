using StackExchange.Redis;

namespace RealtimeSync.PushGateway.Delivery;

/// <summary>
/// Listens on one Redis pub/sub channel and hands its messages over one at a time, in publish order. What is published
/// while the subscription connection is away is lost to pub/sub, so after it comes back the listener catches up: soon, and
/// once more later, for a resubscription that was slow.
/// </summary>
public abstract class RedisChannelListener(IConnectionMultiplexer redis, string channel) : IHostedService
{
    // Resubscribing follows the reconnect closely; catching up once soon and once later covers a slow one.
    private static readonly TimeSpan[] CatchUpDelays = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)];
    private readonly CancellationTokenSource _stopping = new();
    private ChannelMessageQueue? _messages;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionRestored += OnConnectionRestored;
        _messages = await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(channel));
        _messages.OnMessage(message => Receive(message.Message!));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionRestored -= OnConnectionRestored;
        await _stopping.CancelAsync();
        if (_messages is not null)
        {
            await _messages.UnsubscribeAsync();
        }
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
