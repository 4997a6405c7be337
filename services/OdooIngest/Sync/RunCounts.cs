using System.Text.Json;

namespace RealtimeSync.OdooIngest.Sync;

/// <summary>Counts of one run, per model (created, updated, unchanged, archived, failed): seed 001's SyncLog numbers.</summary>
public sealed class RunCounts
{
    private readonly Dictionary<string, Dictionary<string, int>> _byModel = [];

    public void Add(string model, string outcome, int count = 1)
    {
        var counts = _byModel.TryGetValue(model, out var existing) ? existing : _byModel[model] = new Dictionary<string, int>
        {
            ["created"] = 0,
            ["updated"] = 0,
            ["unchanged"] = 0,
            ["archived"] = 0,
            ["failed"] = 0,
        };
        counts[outcome] = counts.GetValueOrDefault(outcome) + count;
    }

    public int Get(string model, string outcome) => _byModel.TryGetValue(model, out var counts) ? counts.GetValueOrDefault(outcome) : 0;

    public IEnumerable<(string Model, string Outcome, int Count)> All() =>
        _byModel.SelectMany(model => model.Value.Select(outcome => (model.Key, outcome.Key, outcome.Value)));

    public string ToJson() => JsonSerializer.Serialize(_byModel);
}
