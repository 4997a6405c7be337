using System.Net.Sockets;
using System.Runtime.Serialization;
using System.Text.Json;
using MassTransit;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;
using RealtimeSync.Outbox;
using RabbitMqPublishException = RabbitMQ.Client.Exceptions.PublishException;

namespace RealtimeSync.UnitTests.Outbox;

/// <summary>An outage must never set rows aside; a row that cannot be published must not block the rows behind it.</summary>
public sealed class PublishFailureTests
{
    public static TheoryData<Exception> BrokersFailures() =>
    [
        new TaskCanceledException("the publish timeout"),
        new TimeoutException(),
        new RabbitMqConnectionException("Connect failed", new BrokerUnreachableException(new IOException("connection refused"))),
        new AlreadyClosedException(new ShutdownEventArgs(ShutdownInitiator.Peer, 320, "CONNECTION_FORCED")),
        new OperationInterruptedException(new ShutdownEventArgs(ShutdownInitiator.Library, 200, "the channel closed under the message")),
        new TransportUnavailableException("no connection"),
        new SocketException((int)SocketError.ConnectionRefused),
        new AggregateException(new InvalidOperationException("beside it"), new IOException("broken pipe")),
    ];

    public static TheoryData<Exception> RowsOwnFailures() =>
    [
        new JsonException("'x' is an invalid start of a value"),
        new InvalidDataException("empty outbox payload"),
        new SerializationException("Failed to serialize message", new NotSupportedException()),
        new RabbitMqConnectionException("BasicPublishAsync failed", new RabbitMqPublishException(7, isReturn: false)),
        new MessageReturnedException("The message was returned by RabbitMQ", new RabbitMqPublishException(8, isReturn: true)),
        new NullReferenceException(),
        new InvalidOperationException("nobody foresaw this"),
    ];

    [Theory]
    [MemberData(nameof(BrokersFailures))]
    public void The_broker_being_away_slow_or_disconnected_does_not_count_against_the_row(Exception failure) =>
        Assert.True(PublishFailure.IsBrokers(failure));

    [Theory]
    [MemberData(nameof(RowsOwnFailures))]
    public void An_unreadable_payload_a_refusal_of_the_message_or_anything_unforeseen_counts_against_the_row(Exception failure) =>
        Assert.False(PublishFailure.IsBrokers(failure));
}
