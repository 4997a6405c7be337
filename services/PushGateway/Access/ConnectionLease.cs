namespace RealtimeSync.PushGateway.Access;

/// <summary>
/// One admitted connection's slot in its user's count: renewed every <c>lease / 3</c> while the connection lives,
/// given back when it is disposed. A replica that crashes gives nothing back; its leases lapse instead.
/// </summary>
public sealed class ConnectionLease : IAsyncDisposable
{
    private readonly CancellationTokenSource _ending = new();
    private readonly Func<Task> _release;
    private readonly Task _renewing;

    public ConnectionLease(TimeSpan lease, Func<Task> renew, Func<Task> release)
    {
        _release = release;
        _renewing = RenewAsync(lease / 3, renew);
    }

    public async ValueTask DisposeAsync()
    {
        await _ending.CancelAsync();
        await _renewing;
        await _release();
        _ending.Dispose();
    }

    private async Task RenewAsync(TimeSpan every, Func<Task> renew)
    {
        using var timer = new PeriodicTimer(every);
        try
        {
            while (await timer.WaitForNextTickAsync(_ending.Token))
            {
                await renew();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
