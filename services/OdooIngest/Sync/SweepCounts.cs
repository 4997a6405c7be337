using System.Text.Json;

namespace RealtimeSync.OdooIngest.Sync;

/// <summary>
/// What an overlap sweep did, per model: records listed (id and write_date only), those read in full because their
/// write_date differed from the stored one (or none is stored), and those read in full as they leave the overlap.
/// </summary>
public sealed class SweepCounts
{
    private readonly Dictionary<string, Dictionary<string, int>> _byModel = [];

    public void Add(string model, int listed, int stale, int leaving)
    {
        var counts = _byModel.TryGetValue(model, out var existing) ? existing : _byModel[model] = new Dictionary<string, int> { ["listed"] = 0, ["stale"] = 0, ["leaving"] = 0 };
        counts["listed"] += listed;
        counts["stale"] += stale;
        counts["leaving"] += leaving;
    }

    public string ToJson() => JsonSerializer.Serialize(_byModel);
}
