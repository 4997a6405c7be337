using System.Text.Json.Nodes;
using RealtimeSync.ChangeNotifier.Notifications;

namespace RealtimeSync.UnitTests.ChangeNotifier;

public sealed class RealtimeFieldsTests
{
    private static readonly CollectionPushRules PurchaseOrders = new()
    {
        Fields = ["name", "state", "partner_id", "amount_total"],
        Many2One = ["partner_id"],
        FieldRoles = { ["amount_total"] = ["admin", "buyer"] },
    };

    [Fact]
    public void Only_the_configured_realtime_fields_travel_and_an_unconfigured_collection_sends_all()
    {
        Assert.Equal(["state"], RealtimeFields.Select(PurchaseOrders, ["write_uid", "state", "message_ids"]));
        Assert.Equal(["a", "b"], RealtimeFields.Select(null, ["a", "b"]));
    }

    [Fact]
    public void A_many2one_travels_as_id_and_display_name_and_false_as_null()
    {
        var values = JsonNode.Parse("""{"partner_id":[7,"Azure Interior"],"name":"PO0042"}""")!.AsObject();
        var unset = JsonNode.Parse("""{"partner_id":false}""")!.AsObject();

        Assert.Equal("""{"partner_id":{"id":7,"display_name":"Azure Interior"},"name":"PO0042"}""", RealtimeFields.Values(PurchaseOrders, values, ["partner_id", "name"]).ToJsonString());
        Assert.Equal("""{"partner_id":null}""", RealtimeFields.Values(PurchaseOrders, unset, ["partner_id"]).ToJsonString());
        Assert.Equal("""{"name":"PO0042"}""", RealtimeFields.Values(PurchaseOrders, values, ["name", "name"]).ToJsonString()); // named twice, one property
    }

    [Fact]
    public void Restricted_fields_are_marked_with_their_roles()
    {
        Assert.Equal("""{"amount_total":["admin","buyer"]}""", RealtimeFields.Restrictions(PurchaseOrders, ["name", "amount_total"]).ToJsonString());
        Assert.Empty(RealtimeFields.Restrictions(PurchaseOrders, ["name"]));
    }
}
