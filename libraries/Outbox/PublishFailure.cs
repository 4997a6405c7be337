using System.Net.Sockets;
using MassTransit;
using RabbitMQ.Client.Exceptions;
using RabbitMqPublishException = RabbitMQ.Client.Exceptions.PublishException;

namespace RealtimeSync.Outbox;

/// <summary>
/// Whose fault a failed publish was. The broker's (unreachable, too slow, its connection or channel lost) is waited
/// out however long it lasts, order kept, and never counts against a row: an outage must not set rows aside. Anything
/// else is the row's own (a payload that cannot be read or serialized, a broker refusing that one message, an
/// exception nobody foresaw) and counts toward <see cref="OutboxOptions.MaxAttempts"/>.
/// </summary>
public static class PublishFailure
{
    /// <summary>True when the broker is at fault; <paramref name="exception"/> is what the publish threw while the dispatcher was not stopping.</summary>
    public static bool IsBrokers(Exception exception)
    {
        var chain = Chain(exception).ToList();
        // A nack or a return is the broker answering about this message; MassTransit wraps it as a connection failure.
        if (chain.Any(link => link is RabbitMqPublishException or MessageReturnedException or MessageNotAcknowledgedException))
        {
            return false;
        }

        return chain.Any(link => link is OperationCanceledException // the publish timeout: the broker did not confirm in time
            or TimeoutException
            or ConnectionException // MassTransit's RabbitMqConnectionException among them
            or TransportUnavailableException
            or TransportException
            or RabbitMQClientException // AlreadyClosedException, OperationInterruptedException
            or IOException // BrokerUnreachableException
            or SocketException);
    }

    /// <summary>The exception, its inner exceptions and, for an AggregateException, every one it holds.</summary>
    private static IEnumerable<Exception> Chain(Exception exception)
    {
        yield return exception;
        var inner = exception is AggregateException aggregate ? aggregate.InnerExceptions : (IEnumerable<Exception>)(exception.InnerException is { } one ? [one] : []);
        foreach (var link in inner.SelectMany(Chain))
        {
            yield return link;
        }
    }
}
