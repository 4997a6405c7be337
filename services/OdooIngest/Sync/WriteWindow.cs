using System.Globalization;
using System.Text.Json.Nodes;

namespace RealtimeSync.OdooIngest.Sync;

/// <summary>The Odoo domain of one keyset page of a window: written at or after <c>from</c> (when there is one), ids after <c>afterId</c>.</summary>
internal static class WriteWindow
{
    public static JsonArray Domain(JsonArray domain, DateTimeOffset? from, int afterId)
    {
        var window = (JsonArray)domain.DeepClone();
        if (from is { } start)
        {
            window.Add(new JsonArray("write_date", ">=", start.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)));
        }

        window.Add(new JsonArray("id", ">", afterId));
        return window;
    }
}
