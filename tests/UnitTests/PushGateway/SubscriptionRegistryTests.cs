using Microsoft.Extensions.Logging.Abstractions;
using RealtimeSync.PushGateway.Access;
using RealtimeSync.PushGateway.Delivery;

namespace RealtimeSync.UnitTests.PushGateway;

public sealed class SubscriptionRegistryTests
{
    [Fact]
    public void A_topic_leaves_the_index_with_its_last_subscriber_and_comes_back_with_the_next()
    {
        var registry = new SubscriptionRegistry();
        var (ada, bob) = (Connection("ada"), Connection("bob"));
        registry.Add(ada);
        registry.Add(bob);

        Assert.True(registry.Subscribe(ada, Subscription("records/a/1", ada)));
        Assert.True(registry.Subscribe(bob, Subscription("records/a/1", bob)));
        Assert.False(registry.Subscribe(bob, Subscription("records/a/1", bob))); // already held
        registry.Unsubscribe(ada, "records/a/1");
        Assert.Equal(1, registry.TopicCount);
        registry.Unsubscribe(bob, "records/a/1");
        Assert.Equal(0, registry.TopicCount);
        Assert.Empty(registry.SubscribersOf("records/a/1"));

        Assert.True(registry.Subscribe(ada, Subscription("records/a/1", ada)));
        Assert.Single(registry.SubscribersOf("records/a/1"));
    }

    [Fact]
    public async Task Concurrent_subscribes_and_unsubscribes_never_lose_a_live_subscription()
    {
        // The race (an unsubscribe emptying the topic's set while a subscribe lands in it) is narrow: many short trials
        // catch it where one long one seldom did.
        for (var trial = 0; trial < 200; trial++)
        {
            var registry = new SubscriptionRegistry();
            var connections = Enumerable.Range(0, 4).Select(n => Connection($"user-{n}")).ToList();
            connections.ForEach(registry.Add);
            using var start = new Barrier(connections.Count);

            await Task.WhenAll(connections.Select(connection => Task.Run(() =>
            {
                start.SignalAndWait(TimeSpan.FromSeconds(10));
                for (var round = 0; round < 50; round++)
                {
                    registry.Subscribe(connection, Subscription("records/hot", connection));
                    registry.Unsubscribe(connection, "records/hot");
                }

                registry.Subscribe(connection, Subscription("records/hot", connection));
            })));

            Assert.Equal(connections.Count, registry.SubscribersOf("records/hot").Count());
            Assert.Equal(1, registry.TopicCount);
        }
    }

    private static ClientConnection Connection(string user) => new(user, new Subscriber(user, new HashSet<string> { "viewer" }), 10, new PlainFormat());

    private static TopicSubscription Subscription(string topic, ClientConnection connection) =>
        TopicSubscription.Create(topic, null, connection, log: null!, NullLogger<TopicSubscription>.Instance, bufferLimit: 10);
}
