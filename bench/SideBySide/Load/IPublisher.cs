namespace RealtimeSync.Bench.SideBySide.Load;

/// <summary>How the load generator publishes into one system; the message is <see cref="MessageText"/> with its send time.</summary>
internal interface IPublisher : IDisposable
{
    /// <summary>Publishes message <paramref name="sequence"/>, stamped just before it is sent; returns once the system accepted it.</summary>
    Task PublishAsync(long sequence, CancellationToken cancellationToken);

    /// <summary>
    /// Publishes messages <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> - 1 in one request, in
    /// that order, all stamped just before it is sent (the change-rate round); returns what the system refused of them.
    /// </summary>
    Task<BatchReceipt> PublishBatchAsync(long first, int count, CancellationToken cancellationToken);
}
