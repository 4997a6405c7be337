using System.Globalization;
using System.Text.Json.Nodes;

namespace RealtimeSync.OdooIngest.Sync;

/// <summary>What a row, as Odoo's read and search_read return it, says about itself.</summary>
internal static class OdooRow
{
    public static int Id(JsonObject row) => (int)row["id"]!;

    public static string? WriteDate(JsonObject row) => row["write_date"] is JsonValue stamp && stamp.TryGetValue<string>(out var text) ? text : null;

    /// <summary>A write_date as Odoo shows it (UTC, whole seconds) as a time, or null when there is none or it does not parse.</summary>
    public static DateTimeOffset? WriteTime(string? writeDate) =>
        DateTimeOffset.TryParse(writeDate, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    /// <summary>The id a many2one holds: Odoo sends [id, display name], or false when it is empty.</summary>
    public static int? Many2One(JsonObject row, string field) =>
        row[field] is JsonArray { Count: > 0 } pair ? (int)pair[0]! : row[field] is JsonValue value && value.TryGetValue<int>(out var id) ? id : null;

    /// <summary>The ids a one2many holds (a list of ids), in Odoo's order.</summary>
    public static IEnumerable<int> One2Many(JsonObject row, string field) => (row[field] as JsonArray ?? []).Select(id => (int)id!);
}
