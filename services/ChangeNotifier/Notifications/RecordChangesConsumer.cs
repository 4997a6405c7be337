using MassTransit;
using Microsoft.Extensions.Options;
using RealtimeSync.Contracts;
using RealtimeSync.PushLog;

namespace RealtimeSync.ChangeNotifier.Notifications;

/// <summary>
/// Turns a batch of committed changes into push messages on their collections' and records' topics, in order, with one
/// Redis script call per <see cref="AppendChunk"/> changes. A change that fails for a reason of its own
/// (<see cref="NotifierFailure"/>) is tried alone <see cref="SetAsideOptions.Attempts"/> times, then set aside, so the
/// changes behind it flow on; a Redis failure goes to the endpoint's retry, which runs the whole batch again.
/// </summary>
public sealed partial class RecordChangesConsumer(
    TopicLog topicLog,
    SetAsideEvents setAside,
    IOptionsMonitor<RealtimeOptions> options,
    IOptions<SetAsideOptions> setAsideOptions,
    ILogger<RecordChangesConsumer> logger) : IConsumer<RecordChanges>
{
    /// <summary>Changes per script call: Redis runs a script alone, so each call is kept short.</summary>
    private const int AppendChunk = 100;

    public async Task Consume(ConsumeContext<RecordChanges> context)
    {
        var rules = options.CurrentValue.Collections;
        var notifications = context.Message.Changes.Select(Notification.Start).ToList();
        var applied = new List<Guid>(notifications.Count);
        try
        {
            var ready = new List<(Notification Notification, TopicAppend Append)>(notifications.Count);
            foreach (var notification in notifications)
            {
                TopicAppend? append;
                try
                {
                    append = ChangeMessage.For(notification.Change, rules.GetValueOrDefault(notification.Change.Collection), notification.TraceParent);
                }
                catch (Exception ex) when (!NotifierFailure.HoldsTheQueue(ex))
                {
                    await AloneAsync(notification, rules, applied, context.CancellationToken);
                    continue;
                }

                if (append is null)
                {
                    LogNothingRealtime(notification.Change.EventId, notification.Change.Collection);
                    applied.Add(notification.Change.EventId);
                    continue;
                }

                ready.Add((notification, append));
            }

            foreach (var chunk in ready.Chunk(AppendChunk))
            {
                IReadOnlyList<long[]> offsets;
                try
                {
                    offsets = await topicLog.AppendManyAsync(chunk.Select(item => item.Append).ToList());
                }
                catch (Exception ex) when (!NotifierFailure.HoldsTheQueue(ex))
                {
                    // Something in this chunk is refused: each change alone finds which.
                    foreach (var (notification, _) in chunk)
                    {
                        await AloneAsync(notification, rules, applied, context.CancellationToken);
                    }

                    continue;
                }

                for (var i = 0; i < chunk.Length; i++)
                {
                    Pushed(chunk[i].Notification, chunk[i].Append, offsets[i], applied);
                }
            }
        }
        finally
        {
            foreach (var notification in notifications)
            {
                notification.Dispose();
            }
        }

        setAside.Forget(applied);
    }

    /// <summary>One change on its own, tried <see cref="SetAsideOptions.Attempts"/> times, then set aside.</summary>
    private async Task AloneAsync(Notification notification, Dictionary<string, CollectionPushRules> rules, List<Guid> applied, CancellationToken cancellationToken)
    {
        var change = notification.Change;
        var budget = setAsideOptions.Value;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (ChangeMessage.For(change, rules.GetValueOrDefault(change.Collection), notification.TraceParent) is { } append)
                {
                    Pushed(notification, append, (await topicLog.AppendManyAsync([append]))[0], applied);
                }
                else
                {
                    applied.Add(change.EventId);
                }

                return;
            }
            catch (Exception ex) when (!NotifierFailure.HoldsTheQueue(ex) && attempt < budget.Attempts)
            {
                await Task.Delay(budget.RetryInterval, cancellationToken);
            }
            catch (Exception ex) when (!NotifierFailure.HoldsTheQueue(ex))
            {
                // Kept before the message is acknowledged: if Redis fails here, the endpoint's retry runs the batch again.
                var kept = await setAside.AddAsync(change, ex, attempt);
                notification.Fail(ex);
                LogSetAside(ex, change.EventId, change.Source, attempt, kept ? "kept in " + SetAsideEvents.Key : "NOT kept: the set-aside bound is reached");
                return;
            }
        }
    }

    private void Pushed(Notification notification, TopicAppend append, long[] offsets, List<Guid> applied)
    {
        var change = notification.Change;
        applied.Add(change.EventId);
        NotifierTelemetry.Lag.Record((DateTimeOffset.UtcNow - change.OccurredAt).TotalSeconds, new KeyValuePair<string, object?>("realtimesync.source", change.Source));
        if (logger.IsEnabled(LogLevel.Debug))
        {
            LogPushed(change.EventId, string.Join(",", append.Topics), string.Join(",", offsets));
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Event {EventId} on {Collection} changed no real-time field; nothing pushed")]
    private partial void LogNothingRealtime(Guid eventId, string collection);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pushed {EventId} on {Topics} at offsets {Offsets}")]
    private partial void LogPushed(Guid eventId, string topics, string offsets);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Event {EventId} from {Source} could not be applied in {Attempts} attempts and is set aside ({Where}); the events behind it go on. Re-send it through its writer's outbox once the cause is fixed")]
    private partial void LogSetAside(Exception exception, Guid eventId, string source, int attempts, string where);
}
