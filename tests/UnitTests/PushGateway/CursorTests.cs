using RealtimeSync.PushGateway.Delivery;

namespace RealtimeSync.UnitTests.PushGateway;

public sealed class CursorTests
{
    [Fact]
    public void A_cursor_round_trips_every_topic_position()
    {
        var positions = new Dictionary<string, TopicPosition> { ["records/team"] = new("e1", 42), ["users/ada"] = new("e2", 0) };

        Assert.True(Cursor.TryDecode(Cursor.Encode(positions), out var decoded));
        Assert.Equal(positions, decoded);
    }

    [Theory]
    [InlineData("not base64 at all!")]
    [InlineData("eyJhIjoxfQ")] // {"a":1}
    [InlineData("eyJhIjpbImUiLC0xXX0")] // {"a":["e",-1]}
    public void A_cursor_the_server_did_not_issue_is_refused(string token)
    {
        Assert.False(Cursor.TryDecode(token, out _));
    }

    [Fact]
    public void No_cursor_means_no_positions()
    {
        Assert.True(Cursor.TryDecode(null, out var positions));
        Assert.Empty(positions);
    }
}
