using System.Text;
using System.Text.Json.Nodes;
using RealtimeSync.PushGateway.WebSockets;

namespace RealtimeSync.UnitTests.PushGateway;

public sealed class PresenceCommandTests
{
    [Fact]
    public void A_join_names_its_topic_and_state()
    {
        Assert.True(ClientCommand.TryParse(Encoding.UTF8.GetBytes("""{"type":"join","topic":"records/purchase.order/7","state":{"editing":"partner_ref"}}"""), out var command, out _));

        Assert.Equal("join", command.Type);
        Assert.Equal("records/purchase.order/7", command.Topic);
        Assert.Equal("""{"editing":"partner_ref"}""", command.State!.ToJsonString());
    }

    [Fact]
    public void A_join_without_state_joins_with_an_empty_one_and_a_leave_needs_only_its_topic()
    {
        Assert.True(ClientCommand.TryParse(Encoding.UTF8.GetBytes("""{"type":"join","topic":"records/a"}"""), out var join, out _));
        Assert.True(ClientCommand.TryParse(Encoding.UTF8.GetBytes("""{"type":"leave","topic":"records/a","state":{"ignored":true}}"""), out var leave, out _));

        Assert.Equal("{}", join.State!.ToJsonString());
        Assert.Equal(("leave", "records/a"), (leave.Type, leave.Topic));
    }

    [Fact]
    public void A_join_with_a_null_state_keeps_it_for_the_state_check_to_refuse()
    {
        Assert.True(ClientCommand.TryParse(Encoding.UTF8.GetBytes("""{"type":"join","topic":"records/a","state":null}"""), out var command, out _));

        Assert.Null(command.State);
        Assert.IsNotType<JsonObject>(command.State);
    }

    [Theory]
    [InlineData("""{"type":"join"}""", "'join' needs 'topic'")]
    [InlineData("""{"type":"leave","topic":42}""", "'leave' needs 'topic'")]
    [InlineData("""{"type":"join","topic":"records/../etc"}""", "'join' needs 'topic'")]
    [InlineData("""{"type":"join","topics":["records/a"]}""", "'join' needs 'topic'")]
    public void A_bad_presence_frame_is_refused_with_a_reason(string frame, string reason)
    {
        Assert.False(ClientCommand.TryParse(Encoding.UTF8.GetBytes(frame), out _, out var error));

        Assert.Contains(reason, error);
    }
}
