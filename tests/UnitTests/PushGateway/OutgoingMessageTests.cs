using System.Text.Json.Nodes;
using RealtimeSync.PushGateway.Http;

namespace RealtimeSync.UnitTests.PushGateway;

public sealed class OutgoingMessageTests
{
    [Fact]
    public void A_seed_004_send_body_is_accepted()
    {
        var (message, errors) = OutgoingMessage.Validate(JsonNode.Parse("""{"type":"user.action","payload":{"action":"click"},"correlationId":"c-1"}""")!.AsObject());

        Assert.Empty(errors);
        Assert.Equal("user.action", message!.Type);
        Assert.Equal("c-1", message.CorrelationId);
    }

    [Fact]
    public void Every_wrong_field_is_named()
    {
        var (message, errors) = OutgoingMessage.Validate(JsonNode.Parse("""{"type":"Not A Type","payload":[1],"to":"","topics":["../x"],"colour":"red"}""")!.AsObject());

        Assert.Null(message);
        Assert.Equal(["colour", "payload", "to", "topics", "type"], errors.Keys.Order());
    }
}
