namespace RealtimeSync.Bench.SideBySide.Load;

/// <summary>How the load generator publishes into one system; the message is <see cref="MessageText"/> with its send time.</summary>
internal interface IPublisher : IDisposable
{
    /// <summary>Publishes message <paramref name="sequence"/>, stamped just before it is sent; returns once the system accepted it.</summary>
    Task PublishAsync(long sequence, CancellationToken cancellationToken);
}
