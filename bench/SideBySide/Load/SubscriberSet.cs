using RealtimeSync.Bench.SideBySide.Systems;

namespace RealtimeSync.Bench.SideBySide.Load;

/// <summary>The subscribers of one phase, connected in small concurrent batches (a thousand at once would time out).</summary>
internal sealed class SubscriberSet : IAsyncDisposable
{
    private const int Batch = 50;
    private readonly List<Subscriber> _subscribers;

    private SubscriberSet(List<Subscriber> subscribers) => _subscribers = subscribers;

    public IReadOnlyList<Subscriber> All => _subscribers;

    public int Open => _subscribers.Count(subscriber => subscriber.IsOpen);

    /// <summary>How they spread over the instances, e.g. "500 + 500".</summary>
    public string Spread => string.Join(" + ", _subscribers.GroupBy(subscriber => subscriber.Instance).OrderBy(group => group.Key).Select(group => group.Count()));

    public static async Task<SubscriberSet> ConnectAsync(ISystemUnderTest system, string phase, int count, CancellationToken cancellationToken, bool firstInstance = false)
    {
        var subscribers = new List<Subscriber>(count);
        try
        {
            foreach (var batch in Enumerable.Range(0, count).Chunk(Batch))
            {
                subscribers.AddRange(await Task.WhenAll(batch.Select(index =>
                {
                    var (uri, instance) = firstInstance ? system.FirstInstanceEndpoint(index, phase) : system.Endpoint(index, phase);
                    return Subscriber.ConnectAsync(uri, instance, system.Dialect, cancellationToken);
                })));
            }
        }
        catch
        {
            await new SubscriberSet(subscribers).DisposeAsync();
            throw;
        }

        return new SubscriberSet(subscribers);
    }

    /// <summary>
    /// Starts counting a round of <paramref name="count"/> messages from sequence <paramref name="first"/> on each subscriber
    /// (checking the order within each publish request, given <paramref name="requestOf"/>: see <see cref="Tally"/>).
    /// </summary>
    public IReadOnlyList<Tally> Count(long first, int count, int[]? requestOf = null) =>
        [.. _subscribers.Select(subscriber =>
        {
            var tally = new Tally(first, count, requestOf);
            subscriber.CountIn(tally);
            return tally;
        })];

    public void StopCounting() => _subscribers.ForEach(subscriber => subscriber.CountIn(null));

    public async ValueTask DisposeAsync()
    {
        foreach (var batch in _subscribers.Chunk(Batch * 4))
        {
            await Task.WhenAll(batch.Select(subscriber => subscriber.DisposeAsync().AsTask()));
        }

        _subscribers.Clear();
    }
}
