using Microsoft.Extensions.Options;

namespace RealtimeSync.PushGateway.Access;

/// <summary>
/// The connection leases this replica holds. They are renewed together (<see cref="LeaseRenewal"/>), in calls of at most
/// <see cref="RenewChunk"/>, not by a timer and a Redis call of each connection's own: 10,000 idle connections cost one
/// round every <c>lease / 3</c>, and no timer, task or cancellation source each. A lease given back first waits for a
/// round under way, so that round cannot count it again after its release.
/// </summary>
public sealed partial class ConnectionLeases(IConnectionCounts counts, IOptions<PushGatewayOptions> options, ILogger<ConnectionLeases> logger)
{
    private const int RenewChunk = 500;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _held = new(StringComparer.Ordinal); // connection id → user id
    private Task _renewing = Task.CompletedTask;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _held.Count;
            }
        }
    }

    /// <summary>Holds an admitted connection's lease until the result is disposed.</summary>
    public ConnectionLease Hold(string userId, string connectionId)
    {
        lock (_gate)
        {
            _held[connectionId] = userId;
        }

        return new ConnectionLease(this, new HeldConnection(userId, connectionId));
    }

    /// <summary>One round: every lease held now, renewed in concurrent calls; a call that fails or does not answer is left to the next round.</summary>
    public Task RenewAsync()
    {
        lock (_gate)
        {
            var held = _held.Select(entry => new HeldConnection(entry.Value, entry.Key)).ToList();
            return _renewing = Task.WhenAll(held.Chunk(RenewChunk).Select(chunk => QuietlyAsync(() => counts.RenewAsync(chunk, options.Value.ConnectionLease))));
        }
    }

    internal async Task ReleaseAsync(HeldConnection held)
    {
        Task renewing;
        lock (_gate)
        {
            _held.Remove(held.ConnectionId);
            renewing = _renewing;
        }

        await renewing.WaitAsync(ConnectionQuota.AnswerTimeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await QuietlyAsync(() => counts.RemoveAsync(held.UserId, held.ConnectionId));
    }

    /// <summary>A renewal or release that fails is not the connection's problem: the next round retries, an unreleased lease lapses.</summary>
    private async Task QuietlyAsync(Func<Task> call)
    {
        try
        {
            await call().WaitAsync(ConnectionQuota.AnswerTimeout);
        }
        catch (Exception ex) when (ConnectionQuota.IsUnanswered(ex))
        {
            LogLeaseUnanswered(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection leases not renewed or released (Redis); they lapse on their own")]
    private partial void LogLeaseUnanswered(Exception exception);
}
