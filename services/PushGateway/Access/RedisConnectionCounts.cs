using StackExchange.Redis;

namespace RealtimeSync.PushGateway.Access;

/// <summary>
/// A sorted set per user, <c>rs:conn:{user}</c>: member the connection id, score when its lease lapses (Redis's own
/// clock, so replicas' clocks do not matter). One script drops lapsed leases, checks the cap and adds, atomically,
/// so two replicas admitting at once cannot both take the last slot. The key expires with its last lease. A replica renews
/// all the leases it holds together, in a few calls (<see cref="ConnectionLeases"/>).
/// </summary>
public sealed class RedisConnectionCounts(IConnectionMultiplexer redis) : IConnectionCounts
{
    private const string AddScript = """
        local clock = redis.call('TIME')
        local now = clock[1] * 1000 + math.floor(clock[2] / 1000)
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        if not redis.call('ZSCORE', KEYS[1], ARGV[1]) and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
          return 0
        end
        redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return 1
        """;

    // KEYS: each connection's user key; ARGV: the lease in ms, then each connection's id, in the same order.
    private const string RenewScript = """
        local clock = redis.call('TIME')
        local lapses = clock[1] * 1000 + math.floor(clock[2] / 1000) + tonumber(ARGV[1])
        for i, key in ipairs(KEYS) do
          redis.call('ZADD', key, lapses, ARGV[i + 1])
          redis.call('PEXPIRE', key, ARGV[1])
        end
        return #KEYS
        """;

    public async Task<bool> TryAddAsync(string userId, string connectionId, int cap, TimeSpan lease) =>
        (long)await redis.GetDatabase().ScriptEvaluateAsync(AddScript, [Key(userId)], [connectionId, cap, (long)lease.TotalMilliseconds]) == 1;

    public async Task RenewAsync(IReadOnlyList<HeldConnection> held, TimeSpan lease)
    {
        if (held.Count == 0)
        {
            return;
        }

        var keys = new RedisKey[held.Count];
        var values = new RedisValue[held.Count + 1];
        values[0] = (long)lease.TotalMilliseconds;
        for (var i = 0; i < held.Count; i++)
        {
            keys[i] = Key(held[i].UserId);
            values[i + 1] = held[i].ConnectionId;
        }

        await redis.GetDatabase().ScriptEvaluateAsync(RenewScript, keys, values);
    }

    public Task RemoveAsync(string userId, string connectionId) => redis.GetDatabase().SortedSetRemoveAsync(Key(userId), connectionId);

    private static RedisKey Key(string userId) => $"rs:conn:{userId}";
}
