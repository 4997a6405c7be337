namespace RealtimeSync.PushGateway.Delivery;

/// <summary>A connection's turn to replay a page; disposing it (once) lets the next topic's replay go.</summary>
internal sealed class ReplayTurn(SemaphoreSlim turn) : IDisposable
{
    private int _released;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            turn.Release();
        }
    }
}
