using RealtimeSync.PushGateway.Delivery;

namespace RealtimeSync.UnitTests.PushGateway;

public sealed class RoutedMessageTests
{
    private const string Logged = """{"topic":"records/settings","offset":3,"epoch":"e1","type":"record.updated","payload":{"id":"main"}}""";
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    [Fact]
    public void A_published_copy_gives_its_trace_context_to_the_delivery_and_its_client_the_message_exactly_as_logged()
    {
        var message = RoutedMessage.TryParse(Logged[..^1] + $",\"traceparent\":\"{TraceParent}\"}}")!;

        Assert.Equal(TraceParent, message.TraceParent);
        Assert.Equal(Logged, message.Json);
        Assert.Equal(("records/settings", 3L, "e1"), (message.Topic, message.Offset, message.Epoch));
    }

    [Fact]
    public void A_message_without_trace_context_is_forwarded_as_is()
    {
        var message = RoutedMessage.TryParse(Logged)!;

        Assert.Null(message.TraceParent);
        Assert.Equal(Logged, message.Json);
    }
}
