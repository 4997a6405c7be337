namespace RealtimeSync.PushGateway.Access;

/// <summary>Where each user's open connections are counted, shared by every push-gateway replica; each entry is a lease that lapses unless renewed.</summary>
public interface IConnectionCounts
{
    /// <summary>Counts <paramref name="connectionId"/> for <paramref name="lease"/> unless the user already holds <paramref name="cap"/> other live ones; true when counted.</summary>
    Task<bool> TryAddAsync(string userId, string connectionId, int cap, TimeSpan lease);

    /// <summary>
    /// Extends the leases of <paramref name="held"/>, all in one call, counting a connection again if its lease had lapsed
    /// (a live connection always counts, even over the cap).
    /// </summary>
    Task RenewAsync(IReadOnlyList<HeldConnection> held, TimeSpan lease);

    Task RemoveAsync(string userId, string connectionId);
}

/// <summary>A connection counted against its user's cap.</summary>
public readonly record struct HeldConnection(string UserId, string ConnectionId);
