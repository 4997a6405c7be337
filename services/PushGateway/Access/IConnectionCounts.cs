namespace RealtimeSync.PushGateway.Access;

/// <summary>Where each user's open connections are counted, shared by every push-gateway replica; each entry is a lease that lapses unless renewed.</summary>
public interface IConnectionCounts
{
    /// <summary>Counts <paramref name="connectionId"/> for <paramref name="lease"/> unless the user already holds <paramref name="cap"/> other live ones; true when counted.</summary>
    Task<bool> TryAddAsync(string userId, string connectionId, int cap, TimeSpan lease);

    /// <summary>Extends the lease, counting the connection again if it had lapsed (a live connection always counts, even over the cap).</summary>
    Task RenewAsync(string userId, string connectionId, TimeSpan lease);

    Task RemoveAsync(string userId, string connectionId);
}
