using System.Text.Json;
using RealtimeSync.ChangeNotifier.Notifications;
using RealtimeSync.Contracts;
using StackExchange.Redis;

namespace RealtimeSync.UnitTests.ChangeNotifier;

/// <summary>Redis failing holds the queue (order matters); an event failing for its own reason is set aside.</summary>
public sealed class NotifierFailureTests
{
    public static TheoryData<Exception> RedisFailures() =>
    [
        new RedisConnectionException(ConnectionFailureType.UnableToConnect, "No connection is active/available"),
        new RedisTimeoutException("Timeout awaiting response", CommandStatus.Sent),
        new RedisServerException("LOADING Redis is loading the dataset in memory"),
        new TimeoutException(),
        new AggregateException(new RedisConnectionException(ConnectionFailureType.SocketClosed, "closed")),
        new InvalidOperationException("wrapped", new RedisServerException("READONLY")),
    ];

    public static TheoryData<Exception> EventsOwnFailures() =>
    [
        new InvalidDataException("The collection 'a/b' cannot name a push topic"),
        new ArgumentNullException("key"),
        new NullReferenceException(),
        new JsonException(),
        new FormatException(),
    ];

    [Theory]
    [MemberData(nameof(RedisFailures))]
    public void A_redis_failure_holds_the_queue(Exception failure) => Assert.True(NotifierFailure.HoldsTheQueue(failure));

    [Theory]
    [MemberData(nameof(EventsOwnFailures))]
    public void Any_other_failure_is_the_events_own(Exception failure) => Assert.False(NotifierFailure.HoldsTheQueue(failure));

    [Fact]
    public void A_change_is_pushed_on_its_collection_and_record_topics()
    {
        Assert.Equal(["records/purchase.order", "records/purchase.order/42"], ChangeTopics.For(Change("purchase.order", "42")));
    }

    [Theory]
    [InlineData(null, "1")]
    [InlineData("", "1")]
    [InlineData("a/b", "1")]
    [InlineData("not a topic", "1")]
    [InlineData("{slot}", "1")]
    [InlineData("team", "x/y")]
    [InlineData("team", "-x")]
    public void A_collection_or_record_id_that_names_no_topic_is_the_events_own_failure(string? collection, string recordId)
    {
        var failure = Assert.Throws<InvalidDataException>(() => ChangeTopics.For(Change(collection!, recordId)));
        Assert.False(NotifierFailure.HoldsTheQueue(failure));
    }

    private static RecordChanged Change(string collection, string recordId) =>
        new(Guid.NewGuid(), "merge-api", collection, recordId, 1, ChangeOperation.Created, ["name"], null, null, null, DateTimeOffset.UtcNow);
}
