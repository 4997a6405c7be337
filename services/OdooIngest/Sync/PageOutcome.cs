namespace RealtimeSync.OdooIngest.Sync;

/// <summary>
/// What storing a page, or one unit of it, did: kept apart from the run's counts until it is known to stay (a
/// batch that fails is stored again unit by unit, and its first try must not count).
/// </summary>
internal sealed class PageOutcome
{
    public RunCounts Counts { get; } = new();

    /// <summary>Ids per model that are stored (or need not be): their earlier failures are cleared.</summary>
    public Dictionary<string, List<int>> Done { get; } = [];

    /// <summary>Parents whose relation fields may no longer agree with their stored children.</summary>
    public HashSet<int> Parents { get; } = [];

    public void AddDone(string model, int id) => (Done.TryGetValue(model, out var ids) ? ids : Done[model] = []).Add(id);

    public void Add(PageOutcome other)
    {
        foreach (var (model, outcome, count) in other.Counts.All())
        {
            Counts.Add(model, outcome, count);
        }

        foreach (var (model, ids) in other.Done)
        {
            ids.ForEach(id => AddDone(model, id));
        }

        Parents.UnionWith(other.Parents);
    }
}
