using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace RealtimeSync.PushGateway.Access;

/// <summary>
/// The connection leases this replica holds. They are renewed together (<see cref="LeaseRenewal"/>), in calls of at most
/// <see cref="RenewChunk"/>, not by a timer and a Redis call of each connection's own: 10,000 idle connections cost one
/// round every <c>lease / 3</c>, and no timer, task or cancellation source each. A lease given back is never counted again
/// by a renewal: each call renews only leases still held when it is sent, on the connection its removal is sent on later,
/// and a release first waits for a round under way (at most <see cref="ConnectionQuota.AnswerTimeout"/>).
/// </summary>
public sealed partial class ConnectionLeases(IConnectionCounts counts, IOptions<PushGatewayOptions> options, ILogger<ConnectionLeases> logger)
{
    private const int RenewChunk = 500;
    private const int CallsInFlight = 4;
    private static readonly string[] FailoverErrors = ["LOADING", "READONLY", "MASTERDOWN", "BUSY"];
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

    /// <summary>
    /// One round: every lease held when it starts, renewed in calls of <see cref="RenewChunk"/>, <see cref="CallsInFlight"/>
    /// awaited at a time (admissions share the connection to Redis; a call that does not answer in time is no longer
    /// awaited); a call that fails or does not answer is left to the next round.
    /// </summary>
    public async Task RenewAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        HeldConnection[] held;
        lock (_gate)
        {
            held = [.. _held.Select(entry => new HeldConnection(entry.Value, entry.Key))];
            _renewing = done.Task;
        }

        try
        {
            foreach (var calls in held.Chunk(RenewChunk).Chunk(CallsInFlight))
            {
                await Task.WhenAll(calls.Select(chunk => QuietlyAsync(() => RenewStillHeldAsync(chunk))));
            }
        }
        finally
        {
            done.TrySetResult();
        }
    }

    /// <summary>
    /// Sends the renewal of those of <paramref name="chunk"/> still held, under the lock a release takes to remove its
    /// lease: a lease removed before is not in it, and one removed after has its removal sent after it.
    /// </summary>
    private Task RenewStillHeldAsync(HeldConnection[] chunk)
    {
        lock (_gate)
        {
            var still = chunk.Where(held => _held.ContainsKey(held.ConnectionId)).ToList();
            return still.Count == 0 ? Task.CompletedTask : counts.RenewAsync(still, options.Value.ConnectionLease);
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

    /// <summary>
    /// A renewal or release that fails is not the connection's problem, nor the other calls' of its round: the next round
    /// retries, an unreleased lease lapses.
    /// </summary>
    private async Task QuietlyAsync(Func<Task> call)
    {
        try
        {
            await call().WaitAsync(ConnectionQuota.AnswerTimeout);
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException or TimeoutException || IsFailingOver(ex))
        {
            LogLeaseUnanswered(ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogLeaseFailed(ex); // a script error, Redis out of memory, a bug: not quiet, but still not the connection's end
        }
    }

    /// <summary>Redis loading, a replica, or a primary going down: an outage in all but name, not worth a warning per connection.</summary>
    private static bool IsFailingOver(Exception ex) =>
        ex is RedisServerException { Message: var message } && FailoverErrors.Any(prefix => message.StartsWith(prefix, StringComparison.Ordinal));

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection leases not renewed or released (Redis does not answer); they lapse on their own")]
    private partial void LogLeaseUnanswered(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection leases not renewed or released; they lapse on their own unless the next round renews them")]
    private partial void LogLeaseFailed(Exception exception);
}
