namespace RealtimeSync.PushGateway.Access;

/// <summary>One admitted connection's slot in its user's count, held in <see cref="ConnectionLeases"/> until disposed.</summary>
public sealed class ConnectionLease : IAsyncDisposable
{
    private readonly ConnectionLeases _leases;
    private readonly HeldConnection _held;
    private int _released;

    internal ConnectionLease(ConnectionLeases leases, HeldConnection held)
    {
        _leases = leases;
        _held = held;
    }

    public ValueTask DisposeAsync() =>
        Interlocked.Exchange(ref _released, 1) == 0 ? new ValueTask(_leases.ReleaseAsync(_held)) : ValueTask.CompletedTask;
}
