using RealtimeSync.PushGateway.Access;

namespace RealtimeSync.UnitTests.PushGateway;

/// <summary>Counts connections in memory as the Redis script does, or, with an <see cref="Outage"/>, answers as an unreachable Redis would.</summary>
internal sealed class InMemoryConnectionCounts : IConnectionCounts
{
    private readonly Dictionary<string, HashSet<string>> _held = new(StringComparer.Ordinal);
    private readonly List<HeldConnection> _renewed = [];

    /// <summary>Every call awaits this first: a task that never ends is a silent Redis, a faulted one a refusing Redis.</summary>
    public Task? Outage { get; set; }

    /// <summary>Renewals await this after <see cref="Outage"/>: a renewal under way for as long as the test holds it.</summary>
    public Task? RenewalGate { get; set; }

    /// <summary>A renewal call naming this connection fails as a script error would (not an outage).</summary>
    public string? RefusedInRenewal { get; set; }

    public async Task<bool> TryAddAsync(string userId, string connectionId, int cap, TimeSpan lease)
    {
        await (Outage ?? Task.CompletedTask);
        lock (_held)
        {
            var connections = _held.TryGetValue(userId, out var held) ? held : _held[userId] = new HashSet<string>(StringComparer.Ordinal);
            return connections.Contains(connectionId) || (connections.Count < cap && connections.Add(connectionId));
        }
    }

    public async Task RenewAsync(IReadOnlyList<HeldConnection> held, TimeSpan lease)
    {
        await (Outage ?? Task.CompletedTask);
        await (RenewalGate ?? Task.CompletedTask);
        if (held.Any(connection => connection.ConnectionId == RefusedInRenewal))
        {
            throw new InvalidOperationException("ERR script refused");
        }

        foreach (var connection in held)
        {
            await TryAddAsync(connection.UserId, connection.ConnectionId, int.MaxValue, lease);
            lock (_held)
            {
                _renewed.Add(connection);
            }
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

    /// <summary>Every connection a renewal reached, in order.</summary>
    public IReadOnlyList<HeldConnection> Renewed()
    {
        lock (_held)
        {
            return [.. _renewed];
        }
    }

    /// <summary>The connections counted for <paramref name="userId"/> now.</summary>
    public IReadOnlyList<string> Counted(string userId)
    {
        lock (_held)
        {
            return [.. _held.GetValueOrDefault(userId) ?? []];
        }
    }
}
