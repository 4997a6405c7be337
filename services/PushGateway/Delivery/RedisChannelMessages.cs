using StackExchange.Redis;

namespace RealtimeSync.PushGateway.Delivery;

/// <summary>A StackExchange.Redis subscription queue seen as <see cref="IPublishedMessages"/>.</summary>
internal sealed class RedisChannelMessages(ChannelMessageQueue queue) : IPublishedMessages
{
    public int Waiting => queue.TryGetCount(out var count) ? count : 0;

    public async ValueTask<string> ReadAsync(CancellationToken cancellationToken) => (await queue.ReadAsync(cancellationToken)).Message!;

    public bool TryRead(out string message)
    {
        var read = queue.TryRead(out var next);
        message = read ? next.Message! : string.Empty;
        return read;
    }
}
