using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using RealtimeSync.Contracts.Push;
using StackExchange.Redis;

namespace RealtimeSync.PushLog;

/// <summary>
/// The per-topic replay log in Redis, and the only code that speaks Redis about topics. Per topic a
/// hash holds the epoch, the last offset and the last change time; a stream holds the messages, with
/// entry ids <c>{offset}-0</c> so replay after an offset is one XRANGE. Appends are one Lua script:
/// drop a redelivered event, take each topic's next offset, append (bounded by count, expiring when
/// idle; the head expires too, much later), publish for fan-out; Redis runs it atomically, so a crash leaves all of it or none. The published
/// copy ends with the change's W3C <c>traceparent</c> (the logged one does not), so each instance's delivery joins the change's trace. Times in the log
/// (<c>t</c>, <c>changedAt</c>) are Redis's own clock when the message was logged, never a writer's clock.
/// </summary>
public sealed partial class TopicLog(IConnectionMultiplexer redis, IOptions<TopicLogOptions> options)
{
    private const string AppendScript = """
        if KEYS[1] ~= '' then
          local done = redis.call('GET', KEYS[1])
          if done then return done end
        end
        local clock = redis.call('TIME')
        local now = clock[1] * 1000 + math.floor(clock[2] / 1000)
        local offsets = {}
        for i = 1, (#KEYS - 1) / 2 do
          local headKey, logKey = KEYS[2 * i], KEYS[2 * i + 1]
          local epoch = redis.call('HGET', headKey, 'epoch')
          if not epoch then
            epoch = ARGV[6]
            redis.call('DEL', headKey, logKey)
            redis.call('HSET', headKey, 'epoch', epoch)
          end
          local offset = redis.call('HINCRBY', headKey, 'offset', 1)
          redis.call('HSET', headKey, 'changedAt', now)
          local message = '{"topic":' .. ARGV[9 + i] .. ',"offset":' .. offset .. ',"epoch":"' .. epoch .. '",' .. ARGV[5]
          redis.call('XADD', logKey, 'MAXLEN', ARGV[2], offset .. '-0', 'm', message, 't', now)
          redis.call('PEXPIRE', logKey, ARGV[3])
          redis.call('PEXPIRE', headKey, ARGV[8])
          if ARGV[9] ~= '' then
            redis.call('PUBLISH', ARGV[4], string.sub(message, 1, -2) .. ',"traceparent":"' .. ARGV[9] .. '"}')
          else
            redis.call('PUBLISH', ARGV[4], message)
          end
          offsets[i] = offset
        end
        local summary = table.concat(offsets, ',')
        if KEYS[1] ~= '' then redis.call('SET', KEYS[1], summary, 'PX', ARGV[1]) end
        return summary
        """;

    /// <summary>
    /// Appends one message to each of <paramref name="topics"/> and publishes it; returns each topic's offset.
    /// With an <paramref name="eventId"/>, a second append of the same event returns the first offsets and publishes nothing.
    /// <paramref name="body"/> is the rest of the message as a serialized JSON object; the envelope (topic, offset, epoch) goes in front.
    /// The current activity's W3C traceparent travels with the published copy only: readers of the log never see it.
    /// </summary>
    public async Task<long[]> AppendAsync(string? eventId, IReadOnlyList<string> topics, string body, long timestamp)
    {
        if (!body.StartsWith('{') || body.Length < 3)
        {
            throw new ArgumentException("The body must be a serialized, non-empty JSON object.", nameof(body));
        }

        var keys = new List<RedisKey> { eventId is null ? string.Empty : $"rs:event:{eventId}" };
        foreach (var topic in topics)
        {
            keys.Add(PushChannel.HeadKey(topic));
            keys.Add(PushChannel.LogKey(topic));
        }

        var settings = options.Value;
        var values = new List<RedisValue>
        {
            (long)settings.DeduplicationWindow.TotalMilliseconds,
            settings.MaxMessages,
            (long)settings.MaxAge.TotalMilliseconds,
            PushChannel.Name,
            body[1..],
            Guid.NewGuid().ToString("N"),
            timestamp,
            (long)settings.HeadRetention.TotalMilliseconds,
            Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } traceParent } && TraceParent.IsMatch(traceParent) ? traceParent : string.Empty,
        };
        values.AddRange(topics.Select(topic => (RedisValue)JsonSerializer.Serialize(topic)));

        var result = (string?)await redis.GetDatabase().ScriptEvaluateAsync(AppendScript, keys.ToArray(), values.ToArray());
        return (result ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).ToArray();
    }

    public async Task<IReadOnlyList<TopicHead>> HeadsAsync(IReadOnlyList<string> topics)
    {
        var database = redis.GetDatabase();
        var reads = topics.Select(topic => database.HashGetAsync(PushChannel.HeadKey(topic), ["epoch", "offset", "changedAt"])).ToArray();
        await Task.WhenAll(reads);
        return topics.Select((topic, index) =>
        {
            var fields = reads[index].Result;
            return new TopicHead(topic, fields[0].IsNull ? null : (string?)fields[0], (long?)fields[1] ?? 0, (long?)fields[2] ?? 0);
        }).ToList();
    }

    /// <summary>
    /// Reads what <paramref name="topic"/> logged after <paramref name="afterOffset"/> (at most <paramref name="limit"/>)
    /// for a reader whose offsets belong to <paramref name="epoch"/> (null or empty: the topic had no epoch yet when the reader last looked).
    /// </summary>
    public async Task<TopicRead> ReadAfterAsync(string topic, string? epoch, long afterOffset, int limit = 1000)
    {
        var head = (await HeadsAsync([topic]))[0];
        if (!string.IsNullOrEmpty(epoch) && epoch != head.Epoch)
        {
            return new TopicRead(head, [], HistoryGone: true); // Redis lost the topic, or it was reset: offsets from before mean nothing now
        }

        if (afterOffset > head.Offset && !string.IsNullOrEmpty(epoch))
        {
            return new TopicRead(head, [], HistoryGone: true); // the reader saw offsets this topic no longer has: Redis lost recent writes
        }

        if (afterOffset >= head.Offset)
        {
            return new TopicRead(head, [], HistoryGone: false);
        }

        var oldest = await NowAsync() - (long)options.Value.MaxAge.TotalMilliseconds;
        var messages = (await RangeAsync(topic, $"{afterOffset + 1}-0", limit)).SkipWhile(entry => entry.Time < oldest).Select(entry => entry.Message).ToList();
        var gone = messages.Count == 0 || messages.Where((message, index) => message.Offset != afterOffset + 1 + index).Any();
        return new TopicRead(head, gone ? [] : messages, gone);
    }

    /// <summary>
    /// What <paramref name="topic"/> logged at or after <paramref name="sinceMs"/>, a time from <see cref="NowAsync"/> (seed 004's
    /// timestamp polling; messages logged in the same millisecond as a poll may repeat; the cursor form is gapless).
    /// </summary>
    public async Task<TopicRead> ReadSinceAsync(string topic, long sinceMs, int limit = 1000)
    {
        var head = (await HeadsAsync([topic]))[0];
        // Inclusive: a message logged in the millisecond of the previous poll, after that poll read its topic, is not lost.
        var oldest = Math.Max(sinceMs, await NowAsync() - (long)options.Value.MaxAge.TotalMilliseconds);
        var messages = (await RangeAsync(topic, "-", count: null)).Where(entry => entry.Time >= oldest).Take(limit).Select(entry => entry.Message).ToList();
        return new TopicRead(head, messages, HistoryGone: false);
    }

    /// <summary>Redis's clock, in Unix milliseconds: the one clock every log time is written with.</summary>
    public async Task<long> NowAsync()
    {
        // TIME through the database, not IServer.TimeAsync: it reaches the primary whose clock stamped the log.
        var time = (RedisResult[])(await redis.GetDatabase().ExecuteAsync("TIME"))!;
        return (long)time[0] * 1000 + (long)time[1] / 1000;
    }

    /// <summary>The log's entries from <paramref name="start"/> on (an entry id, or <c>-</c> for the first), in offset order.</summary>
    private async Task<List<(LoggedMessage Message, long Time)>> RangeAsync(string topic, RedisValue start, int? count)
    {
        var entries = await redis.GetDatabase().StreamRangeAsync(PushChannel.LogKey(topic), start, "+", count);
        return entries
            .Where(entry => !entry["m"].IsNull)
            .Select(entry => (new LoggedMessage(long.Parse(entry.Id.ToString().Split('-')[0], System.Globalization.CultureInfo.InvariantCulture), (string)entry["m"]!), (long)entry["t"]))
            .ToList();
    }

    /// <summary>A W3C traceparent: nothing else may be spliced into the published JSON.</summary>
    [GeneratedRegex("^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}\\z")]
    private static partial Regex TraceParent { get; }
}
