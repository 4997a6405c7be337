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
/// entry ids <c>{offset}-0</c> so replay after an offset is one XRANGE. Appends are one Lua script per batch:
/// per message drop a redelivered event, take each topic's next offset, append (bounded by count, expiring when
/// idle; the head expires too, much later); then publish the batch's messages for fan-out as one pub/sub message,
/// one per line. Redis runs it atomically, so a crash leaves all of it or none. Each published copy ends with its change's W3C
/// <c>traceparent</c> (the logged one does not), so each instance's delivery joins the change's trace. Times in the log
/// (<c>t</c>, <c>changedAt</c>) are Redis's own clock when the message was logged, never a writer's clock.
/// </summary>
public sealed partial class TopicLog(IConnectionMultiplexer redis, IOptions<TopicLogOptions> options) : ITopicHistory
{
    // ARGV: 1 deduplication ms, 2 max messages, 3 max age ms, 4 channel, 5 a new epoch, 6 head retention ms; then per message
    // its topic count n, body, traceparent and n topics as JSON strings. KEYS per message: its event key ('' for none), then
    // each topic's head and log keys.
    private const string AppendScript = """
        local clock = redis.call('TIME')
        -- Numbers become text with %d, once each: Lua 5.1 prints a number as a double (%.14g), which glibc does slowly.
        local now = string.format('%d', clock[1] * 1000 + math.floor(clock[2] / 1000))
        local results, published, heads, touched = {}, {}, {}, {}
        local k, a = 1, 7
        while a <= #ARGV do
          local count, body, trace, eventKey = tonumber(ARGV[a]), ARGV[a + 1], ARGV[a + 2], KEYS[k]
          local done = eventKey ~= '' and redis.call('GET', eventKey)
          if done then
            results[#results + 1] = done
          else
            local offsets = {}
            for i = 1, count do
              local headKey, logKey = KEYS[k + 2 * i - 1], KEYS[k + 2 * i]
              -- A topic's head is read once a batch and written back once at its end.
              local head = heads[headKey]
              if not head then
                local state = redis.call('HMGET', headKey, 'epoch', 'offset')
                head = { epoch = state[1], offset = tonumber(state[2]) or 0, log = logKey }
                if not head.epoch then
                  head.epoch, head.offset = ARGV[5], 0
                  redis.call('DEL', headKey, logKey)
                end
                heads[headKey] = head
                touched[#touched + 1] = headKey
              end
              head.offset = head.offset + 1
              local offset = string.format('%d', head.offset)
              local message = '{"topic":' .. ARGV[a + 2 + i] .. ',"offset":' .. offset .. ',"epoch":"' .. head.epoch .. '",' .. body
              redis.call('XADD', logKey, 'MAXLEN', ARGV[2], offset .. '-0', 'm', message, 't', now)
              if trace ~= '' then
                published[#published + 1] = string.sub(message, 1, -2) .. ',"traceparent":"' .. trace .. '"}'
              else
                published[#published + 1] = message
              end
              offsets[i] = offset
            end
            local summary = table.concat(offsets, ',')
            if eventKey ~= '' then redis.call('SET', eventKey, summary, 'PX', ARGV[1]) end
            results[#results + 1] = summary
          end
          k = k + 1 + 2 * count
          a = a + 3 + count
        end
        for _, headKey in ipairs(touched) do
          local head = heads[headKey]
          redis.call('HSET', headKey, 'epoch', head.epoch, 'offset', string.format('%d', head.offset), 'changedAt', now)
          redis.call('PEXPIRE', headKey, ARGV[6])
          redis.call('PEXPIRE', head.log, ARGV[3])
        end
        if #published > 0 then redis.call('PUBLISH', ARGV[4], table.concat(published, '\n')) end
        return results
        """;

    /// <summary>
    /// Appends one message to each of <paramref name="topics"/> and publishes it; returns each topic's offset. The current
    /// activity's W3C traceparent travels with the published copy. See <see cref="AppendManyAsync"/>.
    /// </summary>
    public async Task<long[]> AppendAsync(string? eventId, IReadOnlyList<string> topics, string body) =>
        (await AppendManyAsync([new TopicAppend(eventId, topics, body, CurrentTraceParent())]))[0];

    /// <summary>
    /// Appends each message to its topics, in order, in one atomic script, and publishes them as one pub/sub message;
    /// returns each message's offsets (a redelivered event's first offsets, publishing nothing for it).
    /// </summary>
    public async Task<IReadOnlyList<long[]>> AppendManyAsync(IReadOnlyList<TopicAppend> appends)
    {
        if (appends.Count == 0)
        {
            return [];
        }

        var settings = options.Value;
        var keys = new List<RedisKey>();
        var values = new List<RedisValue>
        {
            (long)settings.DeduplicationWindow.TotalMilliseconds,
            settings.MaxMessages,
            (long)settings.MaxAge.TotalMilliseconds,
            PushChannel.Name,
            Guid.NewGuid().ToString("N"),
            (long)settings.HeadRetention.TotalMilliseconds,
        };
        foreach (var append in appends)
        {
            // Published messages are separated by line breaks, which compact JSON never holds outside its strings.
            if (!append.Body.StartsWith('{') || append.Body.Length < 3 || append.Body.Contains('\n') || append.Body.Contains('\r'))
            {
                throw new ArgumentException("A body must be a compact serialized, non-empty JSON object.", nameof(appends));
            }

            keys.Add(append.EventId is null ? string.Empty : $"rs:event:{append.EventId}");
            values.Add(append.Topics.Count);
            values.Add(append.Body[1..]);
            values.Add(append.TraceParent is { } trace && TraceParent.IsMatch(trace) ? trace : string.Empty);
            foreach (var topic in append.Topics)
            {
                keys.Add(PushChannel.HeadKey(topic));
                keys.Add(PushChannel.LogKey(topic));
                values.Add(JsonSerializer.Serialize(topic));
            }
        }

        var results = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(AppendScript, keys.ToArray(), values.ToArray()))!;
        return results.Select(result => ((string?)result ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).ToArray()).ToList();
    }

    /// <summary>The current activity's W3C traceparent, for a message appended inside the change's own activity.</summary>
    private static string? CurrentTraceParent() => Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } traceParent } ? traceParent : null;

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
