using System.Text.Json.Nodes;
using Npgsql;
using RealtimeSync.Contracts;

namespace RealtimeSync.OdooIngest.Sync;

/// <summary>
/// Keeps each stored parent's relation fields (order_line) in agreement with its stored live children. A parent
/// read from Odoo brings its own list, but a line added, moved or deleted without a change to any stored field of
/// its order leaves the order's write_date alone, so the order is not read again: the run that stores or archives
/// such a line brings the order's list in line too, and publishes the order's change.
/// </summary>
internal static class ParentRelations
{
    /// <summary>Aligns the lists of <paramref name="parents"/> (the live ones) in the caller's transaction; returns how many parents changed.</summary>
    public static async Task<int> AlignAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Run run, IReadOnlyCollection<int> parents, List<RecordChanged> changes, CancellationToken cancellationToken)
    {
        if (parents.Count == 0 || run.Options.Children.Count == 0)
        {
            return 0;
        }

        var stored = await IngestedRecords.ReadManyAsync(connection, transaction, run.Database, run.Options.Model, parents, cancellationToken);
        var children = new Dictionary<string, Dictionary<int, HashSet<int>>>();
        foreach (var relation in run.Options.Children)
        {
            children[relation.Model] = await IngestedRecords.LiveChildrenAsync(connection, transaction, run.Database, relation.Model, parents, cancellationToken);
        }

        var aligned = new List<(int Id, JsonObject Data, IReadOnlyList<string> Fields)>();
        foreach (var (id, parent) in stored.Where(pair => !pair.Value.Archived))
        {
            var fields = new List<string>();
            foreach (var relation in run.Options.Children)
            {
                var listed = OdooRow.One2Many(parent.Data, relation.Field).ToList();
                if (RelationList.Align(listed, children[relation.Model].GetValueOrDefault(id) ?? []) is { } list)
                {
                    parent.Data[relation.Field] = new JsonArray(list.Select(child => (JsonNode?)child).ToArray());
                    fields.Add(relation.Field);
                }
            }

            if (fields.Count > 0)
            {
                fields.Sort(StringComparer.Ordinal);
                aligned.Add((id, parent.Data, fields));
            }
        }

        return await IngestedRecords.ReplaceDataAsync(connection, transaction, run.Database, run.Options.Model, aligned, changes, cancellationToken);
    }
}
