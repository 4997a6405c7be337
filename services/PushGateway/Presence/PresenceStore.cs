using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace RealtimeSync.PushGateway.Presence;

/// <summary>
/// Presence in Redis, shared by every instance: per topic a hash <c>rs:presence:{topic}</c> (connection id → member JSON),
/// and one sorted set <c>rs:presence:leases</c> of <see cref="PresenceEntry.LeaseMember"/> scored by when each lease lapses
/// (Redis's clock). Each change is one script that writes and publishes its event on <see cref="Channel"/> together, so no
/// event is lost or emitted twice: a leave is published only by the call that removed the member. Both keys expire two
/// leases after their last write, so nothing outlives the instances that renew it. Every call is bounded by
/// <see cref="AnswerTimeout"/>: presence never holds up delivery.
/// </summary>
public sealed class PresenceStore(IConnectionMultiplexer redis, IOptions<PresenceOptions> options)
{
    public const string Channel = "rs:presence";
    public const string Leases = "rs:presence:leases";
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(1);

    private const string Now = """
        local clock = redis.call('TIME')
        local now = clock[1] * 1000 + math.floor(clock[2] / 1000)

        """;

    // KEYS: 1 the lease set, 2 the topic's members. ARGV: 1 channel, 2 connection id, 3 topic (then per script).
    private const string Leave = """
        local function leave()
          redis.call('ZREM', KEYS[1], ARGV[2] .. ' ' .. ARGV[3])
          local old = redis.call('HGET', KEYS[2], ARGV[2])
          if not old then return 0 end
          redis.call('HDEL', KEYS[2], ARGV[2])
          local member = string.sub(old, 1, string.find(old, ',"state":', 1, true) - 1) .. '}'
          redis.call('PUBLISH', ARGV[1], '{"type":"presence","topic":"' .. ARGV[3] .. '","event":"leave","member":' .. member .. '}')
          return 1
        end

        """;

    // ARGV: 4 lease ms, 5 the member's JSON up to its 'since'. An update keeps the member's 'since'.
    private const string JoinScript = Now + """
        local old = redis.call('HGET', KEYS[2], ARGV[2])
        local event, since = 'join', string.format('%.0f', now)
        if old then event, since = 'update', string.match(old, '"since":(%d+)}$') or since end
        local member = ARGV[5] .. since .. '}'
        redis.call('HSET', KEYS[2], ARGV[2], member)
        redis.call('PEXPIRE', KEYS[2], 2 * ARGV[4])
        redis.call('ZADD', KEYS[1], now + ARGV[4], ARGV[2] .. ' ' .. ARGV[3])
        redis.call('PEXPIRE', KEYS[1], 2 * ARGV[4])
        redis.call('PUBLISH', ARGV[1], '{"type":"presence","topic":"' .. ARGV[3] .. '","event":"' .. event .. '","member":' .. member .. '}')
        return event
        """;

    private const string LeaveScript = Leave + "return leave()";

    // Removes the member only if its lease has lapsed by now: a renewal that came first wins.
    private const string ExpireScript = Now + Leave + """
        local lapses = redis.call('ZSCORE', KEYS[1], ARGV[2] .. ' ' .. ARGV[3])
        if lapses and tonumber(lapses) <= now then return leave() end
        return 0
        """;

    // KEYS: 1 the lease set, then each entry's members hash. ARGV: 1 lease ms, then per entry its connection id and topic.
    // Returns the (0-based) entries Redis no longer holds, which their instance joins again.
    private const string RenewScript = Now + """
        local missing = {}
        for i = 1, #KEYS - 1 do
          local connection, entry = ARGV[2 * i], ARGV[2 * i] .. ' ' .. ARGV[2 * i + 1]
          if redis.call('ZSCORE', KEYS[1], entry) and redis.call('HEXISTS', KEYS[i + 1], connection) == 1 then
            redis.call('ZADD', KEYS[1], 'XX', now + ARGV[1], entry)
            redis.call('PEXPIRE', KEYS[i + 1], 2 * ARGV[1])
          else
            missing[#missing + 1] = i - 1
          end
        end
        redis.call('PEXPIRE', KEYS[1], 2 * ARGV[1])
        return missing
        """;

    // KEYS: 1 the lease set, 2 the topic's members. ARGV: 1 topic. Members whose lease lapsed are not shown, swept or not.
    private const string MembersScript = Now + """
        local all, live = redis.call('HGETALL', KEYS[2]), {}
        for i = 1, #all, 2 do
          local lapses = redis.call('ZSCORE', KEYS[1], all[i] .. ' ' .. ARGV[1])
          if lapses and tonumber(lapses) > now then live[#live + 1] = all[i + 1] end
        end
        return live
        """;

    private const string DueScript = Now + "return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, ARGV[1])";

    public static RedisKey MembersKey(string topic) => $"rs:presence:{{{topic}}}";

    /// <summary>Whether an exception means Redis did not answer (in time): a caller says presence is unavailable, never fails.</summary>
    public static bool IsUnanswered(Exception ex) => ex is RedisException or TimeoutException;

    private long LeaseMs => (long)options.Value.Lease.TotalMilliseconds;

    /// <summary>Joins, or replaces the state of a joined member; "join" or "update", the event it published.</summary>
    public async Task<string> JoinAsync(PresenceEntry entry) =>
        (string)(await EvaluateAsync(JoinScript, entry, LeaseMs, entry.MemberPrefix))!;

    /// <summary>Leaves; true when this call removed the member (and published its leave).</summary>
    public async Task<bool> LeaveAsync(PresenceEntry entry) => (long)await EvaluateAsync(LeaveScript, entry) == 1;

    /// <summary>Extends the leases of <paramref name="entries"/>; returns those Redis no longer holds (swept while it could not be renewed).</summary>
    public async Task<IReadOnlyList<PresenceEntry>> RenewAsync(IReadOnlyList<PresenceEntry> entries)
    {
        RedisKey[] keys = [Leases, .. entries.Select(entry => MembersKey(entry.Topic))];
        RedisValue[] values = [LeaseMs, .. entries.SelectMany(entry => new RedisValue[] { entry.ConnectionId, entry.Topic })];
        var missing = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(RenewScript, keys, values).WaitAsync(AnswerTimeout))!;
        return missing.Select(index => entries[(int)index]).ToList();
    }

    /// <summary>Removes up to <paramref name="limit"/> members whose lease lapsed, publishing their leave; how many lapsed leases it found.</summary>
    public async Task<int> SweepAsync(int limit)
    {
        var due = (RedisValue[])(await redis.GetDatabase().ScriptEvaluateAsync(DueScript, [Leases], [limit]).WaitAsync(AnswerTimeout))!;
        await Task.WhenAll(due.Select(async member =>
        {
            if (PresenceEntry.ParseLeaseMember(member!) is var (connectionId, topic))
            {
                await EvaluateAsync(ExpireScript, new PresenceEntry(topic, connectionId, string.Empty, "{}"));
            }
            else
            {
                await redis.GetDatabase().SortedSetRemoveAsync(Leases, member).WaitAsync(AnswerTimeout);
            }
        }));
        return due.Length;
    }

    /// <summary>The live members of <paramref name="topic"/>, each as its JSON.</summary>
    public async Task<IReadOnlyList<string>> MembersAsync(string topic)
    {
        var members = (RedisValue[])(await redis.GetDatabase().ScriptEvaluateAsync(MembersScript, [Leases, MembersKey(topic)], [topic]).WaitAsync(AnswerTimeout))!;
        return members.Select(member => (string)member!).ToList();
    }

    private async Task<RedisResult> EvaluateAsync(string script, PresenceEntry entry, params RedisValue[] more) =>
        await redis.GetDatabase().ScriptEvaluateAsync(script, [Leases, MembersKey(entry.Topic)], [Channel, entry.ConnectionId, entry.Topic, .. more]).WaitAsync(AnswerTimeout);
}
