using System.Text.Json.Nodes;
using RealtimeSync.ChangeNotifier.Notifications;
using RealtimeSync.Contracts;

namespace RealtimeSync.UnitTests.ChangeNotifier;

/// <summary>What one change becomes on the topic log: its real-time fields only, on its collection's and its record's topics.</summary>
public sealed class ChangeMessageTests
{
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private static readonly CollectionPushRules Rules = new() { Fields = ["state", "amount_total"], FieldRoles = { ["amount_total"] = ["buyer"] } };

    [Fact]
    public void An_update_carries_only_its_real_time_fields_with_their_roles_on_both_topics_and_its_trace()
    {
        var change = Change(ChangeOperation.Updated, ["state", "note", "amount_total"], new JsonObject { ["state"] = "done", ["note"] = "x", ["amount_total"] = 5 });

        var append = ChangeMessage.For(change, Rules, TraceParent)!;

        Assert.Equal(change.EventId.ToString(), append.EventId);
        Assert.Equal(["records/purchase.order", "records/purchase.order/7"], append.Topics);
        Assert.Equal(TraceParent, append.TraceParent);
        var body = JsonNode.Parse(append.Body)!;
        Assert.Equal("record.updated", (string?)body["type"]);
        Assert.Equal(["state", "amount_total"], body["payload"]!["changedFields"]!.AsArray().Select(field => (string?)field));
        Assert.Equal("""{"state":"done","amount_total":5}""", body["payload"]!["fields"]!.ToJsonString());
        Assert.Equal("""{"amount_total":["buyer"]}""", body["fieldRoles"]!.ToJsonString());
        Assert.DoesNotContain('\n', append.Body); // the topic log publishes a batch one message per line
    }

    [Fact]
    public void The_body_is_the_documented_message_with_many2one_fields_reshaped_and_escaped_text()
    {
        var rules = new CollectionPushRules { Many2One = ["partner_id"] };
        var change = new RecordChanged(
            Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff"), "odoo-ingest", "purchase.order", "7", 3, ChangeOperation.Created, ["name", "partner_id", "vendor_ref"],
            new JsonObject { ["name"] = "P<0042> \"rush\"", ["partner_id"] = new JsonArray(12, "Azure Interior"), ["vendor_ref"] = false },
            "alice", "conn-1", DateTimeOffset.FromUnixTimeMilliseconds(1_764_547_200_123));

        var append = ChangeMessage.For(change, rules, null)!;

        Assert.Equal(
            """{"type":"record.created","payload":{"collection":"purchase.order","id":"7","version":3,"operation":"created","changedFields":["name","partner_id","vendor_ref"],"fields":{"name":"P\u003C0042\u003E \u0022rush\u0022","partner_id":{"id":12,"display_name":"Azure Interior"},"vendor_ref":false}},"timestamp":1764547200123,"eventId":"6f9619ff-8b86-d011-b42d-00c04fc964ff","origin":"conn-1","actor":"alice"}""",
            append.Body);
        Assert.Contains("\"origin\":null,\"actor\":null", ChangeMessage.For(change with { Actor = null, OriginConnectionId = null }, rules, null)!.Body);
    }

    [Fact]
    public void An_update_of_no_real_time_field_pushes_nothing_but_a_delete_always_pushes()
    {
        Assert.Null(ChangeMessage.For(Change(ChangeOperation.Updated, ["note"], new JsonObject { ["note"] = "x" }), Rules, null));
        Assert.NotNull(ChangeMessage.For(Change(ChangeOperation.Deleted, [], null), Rules, null));
    }

    [Fact]
    public void A_change_that_names_no_topic_is_refused_whole()
    {
        var change = Change(ChangeOperation.Created, ["state"], new JsonObject { ["state"] = "draft" }) with { Collection = "not a topic/name" };

        Assert.Throws<InvalidDataException>(() => ChangeMessage.For(change, Rules, null));
    }

    private static RecordChanged Change(ChangeOperation operation, IReadOnlyList<string> fields, JsonObject? values) =>
        new(Guid.NewGuid(), "odoo-ingest", "purchase.order", "7", 2, operation, fields, values, null, null, DateTimeOffset.UtcNow);
}
