using System.Text;
using RealtimeSync.PushGateway.WebSockets;

namespace RealtimeSync.UnitTests.PushGateway;

public sealed class ClientCommandTests
{
    [Fact]
    public void A_subscribe_frame_names_its_topics()
    {
        Assert.True(ClientCommand.TryParse(Encoding.UTF8.GetBytes("""{"type":"subscribe","topics":["records/settings","records/team/42"]}"""), out var command, out _));

        Assert.Equal("subscribe", command.Type);
        Assert.Equal(["records/settings", "records/team/42"], command.Topics);
    }

    [Theory]
    [InlineData("""{"type":"subscribe"}""", "needs 'topics'")]
    [InlineData("""{"type":"dance","topics":[]}""", "unknown type 'dance'")]
    [InlineData("""{"type":"subscribe","topics":["../etc"]}""", "invalid topic")]
    [InlineData("""{"type":"subscribe","topics":[42]}""", "invalid topic")]
    [InlineData("""["subscribe"]""", "JSON object with a string 'type'")]
    [InlineData("""{"type":"subscribe",""", "malformed JSON")]
    [InlineData("""{"type":"\ud800"}""", "not valid UTF-16")]
    [InlineData("""{"type":"subscribe","topics":["records/a"],"from":{"records/a":{"epoch":"","offset":500}}}""", "with an epoch for any offset above 0")]
    public void A_bad_frame_is_refused_with_a_reason(string frame, string reason)
    {
        Assert.False(ClientCommand.TryParse(Encoding.UTF8.GetBytes(frame), out _, out var error));

        Assert.Contains(reason, error);
    }
}
