using System.Text.Json;
using Microsoft.Extensions.Options;
using RealtimeSync.Contracts.Push;
using StackExchange.Redis;

namespace RealtimeSync.ChangeNotifier.Topics;

/// <summary>
/// The per-topic replay log in Redis, and the only code here that speaks Redis. One Lua script does,
/// atomically: drop a redelivered event (by event id), take the next offset of each topic, append the
/// message to the topic's log (bounded by count and idle age) and publish it for fan-out. So a crash
/// at any point either did all of it or none of it, and a redelivery never gets a second offset.
/// </summary>
public sealed class TopicLog(IConnectionMultiplexer redis, IOptions<TopicLogOptions> options)
{
    private const string AppendScript = """
        local done = redis.call('GET', KEYS[1])
        if done then return done end
        local topics = (#KEYS - 1) / 3
        local offsets = {}
        for i = 1, topics do
          local offsetKey, epochKey, logKey = KEYS[3 * i - 1], KEYS[3 * i], KEYS[3 * i + 1]
          local epoch = redis.call('GET', epochKey)
          if not epoch then
            epoch = ARGV[6]
            redis.call('SET', epochKey, epoch)
            redis.call('DEL', offsetKey, logKey)
          end
          local offset = redis.call('INCR', offsetKey)
          local message = '{"topic":' .. ARGV[6 + i] .. ',"offset":' .. offset .. ',"epoch":"' .. epoch .. '",' .. ARGV[5]
          redis.call('XADD', logKey, 'MAXLEN', ARGV[2], offset .. '-0', 'm', message)
          redis.call('PEXPIRE', logKey, ARGV[3])
          redis.call('PUBLISH', ARGV[4], message)
          offsets[i] = offset
        end
        local summary = table.concat(offsets, ',')
        redis.call('SET', KEYS[1], summary, 'PX', ARGV[1])
        return summary
        """;

    /// <summary>
    /// Appends one change to each of <paramref name="topics"/> and publishes it; returns each topic's offset.
    /// <paramref name="bodyFields"/> is the rest of the message as a JSON object, whose leading '{' is replaced by the envelope.
    /// </summary>
    public async Task<long[]> AppendAsync(string eventId, IReadOnlyList<string> topics, string bodyFields)
    {
        if (!bodyFields.StartsWith('{'))
        {
            throw new ArgumentException("The body must be a serialized JSON object.", nameof(bodyFields));
        }

        var keys = new List<RedisKey> { $"rs:event:{eventId}" };
        foreach (var topic in topics)
        {
            keys.Add(PushChannel.OffsetKey(topic));
            keys.Add(PushChannel.EpochKey(topic));
            keys.Add(PushChannel.LogKey(topic));
        }

        var settings = options.Value;
        var values = new List<RedisValue>
        {
            (long)settings.DeduplicationWindow.TotalMilliseconds,
            settings.MaxMessages,
            (long)settings.MaxAge.TotalMilliseconds,
            PushChannel.Name,
            bodyFields[1..],
            Guid.NewGuid().ToString("N"),
        };
        values.AddRange(topics.Select(topic => (RedisValue)JsonSerializer.Serialize(topic)));

        var result = (string?)await redis.GetDatabase().ScriptEvaluateAsync(AppendScript, keys.ToArray(), values.ToArray());
        return (result ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).ToArray();
    }
}
