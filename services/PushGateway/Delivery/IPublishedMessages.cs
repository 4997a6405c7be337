namespace RealtimeSync.PushGateway.Delivery;

/// <summary>One pub/sub channel's messages as they arrive, in publish order, and how many wait to be read.</summary>
public interface IPublishedMessages
{
    /// <summary>The next message; throws once the subscription has ended.</summary>
    ValueTask<string> ReadAsync(CancellationToken cancellationToken);

    bool TryRead(out string message);

    /// <summary>Messages received and not read yet.</summary>
    int Waiting { get; }
}
