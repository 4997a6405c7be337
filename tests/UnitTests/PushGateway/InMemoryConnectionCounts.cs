using RealtimeSync.PushGateway.Access;

namespace RealtimeSync.UnitTests.PushGateway;

/// <summary>Counts connections in memory as the Redis script does, or, with an <see cref="Outage"/>, answers as an unreachable Redis would.</summary>
internal sealed class InMemoryConnectionCounts : IConnectionCounts
{
    private readonly Dictionary<string, HashSet<string>> _held = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _renewedTwice = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _renewals;

    /// <summary>Every call awaits this first: a task that never ends is a silent Redis, a faulted one a refusing Redis.</summary>
    public Task? Outage { get; set; }

    public Task RenewedTwice => _renewedTwice.Task;

    public async Task<bool> TryAddAsync(string userId, string connectionId, int cap, TimeSpan lease)
    {
        await (Outage ?? Task.CompletedTask);
        lock (_held)
        {
            var connections = _held.TryGetValue(userId, out var held) ? held : _held[userId] = new HashSet<string>(StringComparer.Ordinal);
            return connections.Contains(connectionId) || (connections.Count < cap && connections.Add(connectionId));
        }
    }

    public async Task RenewAsync(string userId, string connectionId, TimeSpan lease)
    {
        await TryAddAsync(userId, connectionId, int.MaxValue, lease);
        if (Interlocked.Increment(ref _renewals) == 2)
        {
            _renewedTwice.TrySetResult();
        }
    }

    public async Task RemoveAsync(string userId, string connectionId)
    {
        await (Outage ?? Task.CompletedTask);
        lock (_held)
        {
            _held.GetValueOrDefault(userId)?.Remove(connectionId);
        }
    }
}
