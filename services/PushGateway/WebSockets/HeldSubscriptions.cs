using RealtimeSync.PushGateway.Delivery;

namespace RealtimeSync.PushGateway.WebSockets;

/// <summary>
/// Subscriptions registered (live messages wait in their buffers) but not yet started: they start once, on the
/// client's first command or after a grace period, whichever comes first.
/// </summary>
internal sealed class HeldSubscriptions(IReadOnlyList<TopicSubscription> held, CancellationToken ending)
{
    private int _released;

    public void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            foreach (var subscription in held)
            {
                _ = subscription.StartAsync(ending);
            }
        }
    }

    public void ReleaseAfter(TimeSpan grace) =>
        _ = Task.Delay(grace, ending).ContinueWith(_ => Release(), ending, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
}
