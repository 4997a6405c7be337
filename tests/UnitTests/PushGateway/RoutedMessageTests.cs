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

    [Theory]
    [InlineData(Logged, "records/settings")]
    [InlineData("""{"topic":"records/purchase.order/7","offset":1}""", "records/purchase.order/7")]
    [InlineData("""{"offset":3,"topic":"records/settings"}""", "")] // not as the log writes it: only a full parse can tell
    [InlineData("""{"topic":"rec\u006frds/x","offset":1}""", "")] // escaped: a full parse reads it
    [InlineData("""{"topic":"","offset":1}""", "")]
    [InlineData("""{"topic":"records/x""", "")] // cut short
    [InlineData("", "")]
    public void The_topic_is_read_from_the_first_property_without_a_parse_or_not_at_all(string json, string topic)
    {
        Assert.Equal(topic, RoutedMessage.TopicOf(json).ToString());
    }
}
