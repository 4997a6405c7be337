using System.Text.Json.Nodes;
using RealtimeSync.Contracts.Documents;

namespace RealtimeSync.OdooIngest.Sync;

/// <summary>
/// A record as Odoo sent it, in the form it is stored: <see cref="Data"/> is every field but id, write_date and
/// create_date (which travel beside it), under its parent when it is a child.
/// </summary>
public sealed record IncomingRecord(string Model, int Id, int? ParentId, JsonObject Data, string? WriteDate)
{
    /// <summary>
    /// Takes <paramref name="odooRecord"/> over as the stored data rather than copying it: a page holds thousands
    /// of rows, each read once and used for nothing else.
    /// </summary>
    public static IncomingRecord FromOdoo(string model, JsonObject odooRecord, int? parentId)
    {
        var id = OdooRow.Id(odooRecord);
        var writeDate = OdooRow.WriteDate(odooRecord);
        odooRecord.Remove("id");
        odooRecord.Remove("write_date");
        odooRecord.Remove("create_date");
        return new IncomingRecord(model, id, parentId, odooRecord, writeDate);
    }

    /// <summary>Why the data breaks the shape every stored document keeps (DocumentShape), or null: such a record fails alone, visibly.</summary>
    public string? Unstorable() => DocumentShape.UnstorableText(Data) ?? DocumentShape.ShapeProblem(Data);
}
