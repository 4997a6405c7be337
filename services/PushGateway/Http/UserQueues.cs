using Microsoft.Extensions.Options;
using RealtimeSync.Contracts.Push;
using RealtimeSync.PushLog;
using StackExchange.Redis;

namespace RealtimeSync.PushGateway.Http;

/// <summary>
/// Seed 004's per-user polling queues, counted for <c>/api/sync/status</c>: they are the <c>users/*</c> topic
/// logs. Which of them exist is kept in a sorted set scored by last append, so status reads only the queues
/// still within retention instead of scanning every key in Redis. Appends prune it too, at most once a minute, so it stays
/// bounded by retention even when nobody reads the status.
/// </summary>
public sealed class UserQueues(IConnectionMultiplexer redis, IOptions<TopicLogOptions> options)
{
    private const string Key = "rs:user-queues";
    private const int MaxCounted = 10_000;
    private static readonly long PruneEveryMs = (long)TimeSpan.FromMinutes(1).TotalMilliseconds;
    private long _prunedAt;

    public async Task NoteAppendAsync(IEnumerable<string> topics)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var entries = topics.Where(topic => topic.StartsWith("users/", StringComparison.Ordinal)).Select(topic => new SortedSetEntry(topic, now)).ToArray();
        if (entries.Length > 0)
        {
            var database = redis.GetDatabase();
            await database.SortedSetAddAsync(Key, entries);
            var pruned = Interlocked.Read(ref _prunedAt);
            if (now - pruned >= PruneEveryMs && Interlocked.CompareExchange(ref _prunedAt, now, pruned) == pruned)
            {
                // Not awaited: the message is logged already, and a failed prune must not report it as not sent.
                _ = RemoveExpiredAsync(database, CommandFlags.FireAndForget);
            }
        }
    }

    public async Task<(int Queues, long Messages)> CountAsync()
    {
        var database = redis.GetDatabase();
        await RemoveExpiredAsync(database);
        var topics = await database.SortedSetRangeByRankAsync(Key, 0, MaxCounted - 1, Order.Descending);
        var lengths = await Task.WhenAll(topics.Select(topic => database.StreamLengthAsync(PushChannel.LogKey(topic!))));
        return (lengths.Count(length => length > 0), lengths.Sum());
    }

    /// <summary>Forgets the queues whose last append is older than the topic log keeps anything.</summary>
    private Task RemoveExpiredAsync(IDatabase database, CommandFlags flags = CommandFlags.None)
    {
        var retained = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - (long)options.Value.MaxAge.TotalMilliseconds;
        return database.SortedSetRemoveRangeByScoreAsync(Key, double.NegativeInfinity, retained, Exclude.Stop, flags);
    }
}
