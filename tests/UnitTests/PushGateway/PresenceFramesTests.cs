using System.Text.Json.Nodes;
using RealtimeSync.PushGateway.Presence;

namespace RealtimeSync.UnitTests.PushGateway;

public sealed class PresenceFramesTests
{
    [Fact]
    public void A_snapshot_lists_its_members_and_an_empty_one_says_so()
    {
        var member = new PresenceEntry("records/a/1", "c1", "ada", """{"editing":"name"}""").MemberPrefix + "1700000000000}";

        var snapshot = JsonNode.Parse(PresenceFrames.Snapshot("records/a/1", [member]))!;
        var empty = JsonNode.Parse(PresenceFrames.Snapshot("records/a/1", []))!;

        Assert.Equal("presence", (string?)snapshot["type"]);
        Assert.Equal("snapshot", (string?)snapshot["event"]);
        Assert.Equal("""{"connectionId":"c1","userId":"ada","state":{"editing":"name"},"since":1700000000000}""", snapshot["members"]![0]!.ToJsonString());
        Assert.Empty(empty["members"]!.AsArray());
    }

    [Theory]
    [InlineData("""{"type":"presence","topic":"records/a/1","event":"join","member":{}}""", "records/a/1")]
    [InlineData("""{"topic":"records/a/1","type":"presence"}""", null)]
    [InlineData("{\"type\":\"presence\",\"topic\":\"", null)]
    public void An_event_is_routed_by_its_topic_without_parsing(string frame, string? topic) => Assert.Equal(topic, PresenceFrames.TopicOf(frame));

    [Theory]
    [InlineData("ada")]
    [InlineData("""a,"state":"b""")]
    [InlineData("名前")]
    public void A_members_first_state_property_is_its_own_whatever_its_user_id_so_the_leave_member_is_the_part_before(string userId)
    {
        var member = new PresenceEntry("records/a", "c1", userId, """{"x":",\"state\":"}""").MemberPrefix + "1}";

        var leave = JsonNode.Parse(member[..member.IndexOf(",\"state\":", StringComparison.Ordinal)] + "}")!;

        Assert.Equal(userId, (string?)leave["userId"]);
        Assert.Equal("c1", (string?)leave["connectionId"]);
    }

    [Fact]
    public void A_lease_entry_reads_back_as_its_connection_and_topic()
    {
        var entry = new PresenceEntry("records/a/1", "c1", "ada", "{}");

        Assert.Equal(("c1", "records/a/1"), PresenceEntry.ParseLeaseMember(entry.LeaseMember));
        Assert.Null(PresenceEntry.ParseLeaseMember("no-space"));
    }

    [Theory]
    [InlineData("records/purchase.order/7", null)]
    [InlineData("records/payroll", "needs one of the roles admin")]
    [InlineData("broadcast", "presence is kept on records/... topics only")]
    [InlineData("users/ada", "presence is kept on records/... topics only")]
    public void Presence_is_kept_on_records_topics_that_the_reader_may_read(string topic, string? refusal)
    {
        var reason = PresenceTopics.Refusal(TopicAccessTests.Access, TopicAccessTests.Viewer, topic);

        if (refusal is null)
        {
            Assert.Null(reason);
        }
        else
        {
            Assert.Contains(refusal, reason);
        }
    }
}
