using StackExchange.Redis;

namespace RealtimeSync.ChangeNotifier.Notifications;

/// <summary>
/// Whose fault a failed notification was. Redis's (unreachable, timing out, refusing commands) holds the queue and is
/// waited out however long it lasts: skipping the event would reorder its topics, and the event itself is fine.
/// Anything else is the event's own: after a few tries it is set aside, so it never stops the events behind it.
/// </summary>
public static class NotifierFailure
{
    public static bool HoldsTheQueue(Exception exception) =>
        exception is RedisException or TimeoutException // RedisTimeoutException is both
        || (exception is AggregateException aggregate ? aggregate.InnerExceptions.Any(HoldsTheQueue) : exception.InnerException is { } inner && HoldsTheQueue(inner));
}
