using Microsoft.Extensions.Options;
using RealtimeSync.Contracts.Push;
using RealtimeSync.PushLog;
using StackExchange.Redis;

namespace RealtimeSync.PushGateway.Http;

/// <summary>
/// Seed 004's per-user polling queues, counted for <c>/api/sync/status</c>: they are the <c>users/*</c> topic
/// logs. Which of them exist is kept in a sorted set scored by last append, so status reads only the queues
/// still within retention instead of scanning every key in Redis.
/// </summary>
public sealed class UserQueues(IConnectionMultiplexer redis, IOptions<TopicLogOptions> options)
{
    private const string Key = "rs:user-queues";
    private const int MaxCounted = 10_000;

    public async Task NoteAppendAsync(IEnumerable<string> topics)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var entries = topics.Where(topic => topic.StartsWith("users/", StringComparison.Ordinal)).Select(topic => new SortedSetEntry(topic, now)).ToArray();
        if (entries.Length > 0)
        {
            await redis.GetDatabase().SortedSetAddAsync(Key, entries);
        }
    }

    public async Task<(int Queues, long Messages)> CountAsync()
    {
        var database = redis.GetDatabase();
        var retained = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - (long)options.Value.MaxAge.TotalMilliseconds;
        await database.SortedSetRemoveRangeByScoreAsync(Key, double.NegativeInfinity, retained, Exclude.Stop);
        var topics = await database.SortedSetRangeByRankAsync(Key, 0, MaxCounted - 1, Order.Descending);
        var lengths = await Task.WhenAll(topics.Select(topic => database.StreamLengthAsync(PushChannel.LogKey(topic!))));
        return (lengths.Count(length => length > 0), lengths.Sum());
    }
}
