using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using RealtimeSync.Contracts;
using StackExchange.Redis;

namespace RealtimeSync.ChangeNotifier.Notifications;

/// <summary>
/// Events change-notifier could not apply, kept in Redis where an operator finds them: the hash <see cref="Key"/>,
/// event id → <c>{event, error, attempts, at}</c>. Bounded by <see cref="SetAsideOptions.MaxKept"/>: past it an event is
/// logged and counted (<see cref="OverflowKey"/>), not kept, so a flood of bad events cannot fill Redis. An entry
/// leaves once its event is applied (after a re-send). One hash tag, so the script's keys share a cluster slot.
/// </summary>
public sealed class SetAsideEvents(IConnectionMultiplexer redis, IOptions<SetAsideOptions> options)
{
    public const string Key = "rs:notifier:{set-aside}";
    public const string OverflowKey = "rs:notifier:{set-aside}:overflow";

    private const string AddScript = """
        if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 or redis.call('HLEN', KEYS[1]) < tonumber(ARGV[3]) then
          redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
          return 1
        end
        redis.call('INCR', KEYS[2])
        return 0
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Keeps <paramref name="change"/> with its error; false when the bound was reached and it was only counted. Throws when Redis fails.</summary>
    public async Task<bool> AddAsync(RecordChanged change, Exception error, int attempts)
    {
        var entry = new JsonObject
        {
            ["event"] = JsonSerializer.SerializeToNode(change, Json),
            ["error"] = $"{error.GetType().Name}: {error.Message}",
            ["attempts"] = attempts,
            ["at"] = DateTimeOffset.UtcNow,
        };
        var kept = await redis.GetDatabase().ScriptEvaluateAsync(
            AddScript, [Key, OverflowKey], [change.EventId.ToString(), entry.ToJsonString(Json), options.Value.MaxKept]);
        return (long)kept == 1;
    }

    /// <summary>Applied events are set aside no more. Fire and forget, one command a batch: a missed removal only leaves a stale entry.</summary>
    public void Forget(IReadOnlyCollection<Guid> eventIds)
    {
        if (eventIds.Count > 0)
        {
            redis.GetDatabase().HashDelete(Key, eventIds.Select(id => (RedisValue)id.ToString()).ToArray(), CommandFlags.FireAndForget);
        }
    }

    /// <summary>How many are kept, and how many were not for the bound.</summary>
    public async Task<(long Kept, long Overflow)> CountAsync()
    {
        var database = redis.GetDatabase();
        var kept = database.HashLengthAsync(Key);
        var overflow = database.StringGetAsync(OverflowKey);
        return (await kept, (long?)await overflow ?? 0);
    }
}
