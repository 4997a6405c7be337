namespace RealtimeSync.OdooSimulator;

/// <summary>A field's kind, as far as the external API shows it: many2one as [id, name], one2many as a list of ids.</summary>
public sealed record OdooField(string Type, string? Relation = null, string? Inverse = null);

/// <summary>The models the simulator knows: purchase orders and their lines, and what they point at.</summary>
public static class OdooModels
{
    public static readonly Dictionary<string, Dictionary<string, OdooField>> Fields = new()
    {
        ["purchase.order"] = new()
        {
            ["name"] = new("char"),
            ["partner_id"] = new("many2one", "res.partner"),
            ["date_order"] = new("datetime"),
            ["state"] = new("selection"),
            ["amount_total"] = new("float"),
            ["active"] = new("boolean"),
            ["order_line"] = new("one2many", "purchase.order.line", "order_id"),
        },
        ["purchase.order.line"] = new()
        {
            ["name"] = new("char"),
            ["order_id"] = new("many2one", "purchase.order"),
            ["product_id"] = new("many2one", "product.product"),
            ["product_qty"] = new("float"),
            ["price_unit"] = new("float"),
            ["price_subtotal"] = new("float"),
        },
        ["res.partner"] = new() { ["name"] = new("char"), ["active"] = new("boolean") },
        ["product.product"] = new() { ["name"] = new("char"), ["active"] = new("boolean") },
    };

    public static OdooField? Field(string model, string field) =>
        field switch
        {
            "id" => new OdooField("integer"),
            "write_date" or "create_date" => new OdooField("datetime"),
            _ => Fields.TryGetValue(model, out var fields) && fields.TryGetValue(field, out var found) ? found : null,
        };

    public static bool HasActive(string model) => Fields.TryGetValue(model, out var fields) && fields.ContainsKey("active");
}
