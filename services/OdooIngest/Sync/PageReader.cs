using System.Text.Json.Nodes;

namespace RealtimeSync.OdooIngest.Sync;

/// <summary>
/// Turns what Odoo returned into a <see cref="StorePage"/>: a page of parents is read with its children (by id, in
/// chunks), and a parent Odoo would not read, or one with a child Odoo would not read, is refused (it would be
/// stored incomplete). Every id read is noted in the run, so no later pass of the run reads it again.
/// </summary>
internal static class PageReader
{
    private const int ReadChunk = 500;

    public static async Task<StorePage> ParentsAsync(Run run, List<JsonObject> rows, IReadOnlyList<Unreadable> unreadable, CancellationToken cancellationToken)
    {
        var model = run.Options.Model;
        var refused = unreadable.Select(parent => new Refusal(model, parent.Id, null, parent.Error)).ToList();
        var parents = rows.Select(row => IncomingRecord.FromOdoo(model, row, parentId: null)).ToList();
        parents.ForEach(parent => run.Read(model).Add(parent.Id));
        unreadable.ToList().ForEach(parent => run.Read(model).Add(parent.Id));
        var children = new Dictionary<int, List<IncomingRecord>>();
        var unreadableChildren = new Dictionary<(string Model, int Id), string>();
        foreach (var relation in run.Options.Children)
        {
            // A child Odoo refused earlier in the run (read on its own) is not asked for again: its parent is refused for it.
            var ids = parents.SelectMany(parent => OdooRow.One2Many(parent.Data, relation.Field)).Distinct().ToList();
            foreach (var id in ids)
            {
                if (run.RefusedError(relation.Model, id) is { } error)
                {
                    unreadableChildren[(relation.Model, id)] = error;
                }
            }

            foreach (var chunk in ids.Where(id => !unreadableChildren.ContainsKey((relation.Model, id))).Chunk(ReadChunk))
            {
                var read = await IsolatedReads.ReadAsync(run.Odoo, relation.Model, chunk, relation.ReadFields(), cancellationToken);
                read.Unreadable.ForEach(child =>
                {
                    unreadableChildren[(relation.Model, child.Id)] = child.Error;
                    run.NoteUnreadable(relation.Model, child);
                });
                foreach (var row in read.Rows)
                {
                    var child = IncomingRecord.FromOdoo(relation.Model, row, OdooRow.Many2One(row, relation.Inverse) ?? 0);
                    run.Read(relation.Model).Add(child.Id);
                    (children.TryGetValue(child.ParentId!.Value, out var list) ? list : children[child.ParentId.Value] = []).Add(child);
                }
            }
        }

        var units = new List<StoreUnit>();
        foreach (var parent in parents)
        {
            var blocking = run.Options.Children.SelectMany(relation => OdooRow.One2Many(parent.Data, relation.Field).Select(id => (relation.Model, Id: id)))
                .FirstOrDefault(unreadableChildren.ContainsKey);
            if (blocking.Model is not null)
            {
                refused.Add(new Refusal(model, parent.Id, parent.WriteDate, $"its {blocking.Model} {blocking.Id} could not be read: {unreadableChildren[blocking]}"));
                continue;
            }

            // A child is stored under the parent it names itself (order_id), as the parent it moved to would list it.
            units.Add(new StoreUnit(parent, children.GetValueOrDefault(parent.Id) ?? []));
        }

        return new StorePage(units, refused);
    }

    /// <summary>Parents read in full by id (retried, or found stale by the sweep), with their children.</summary>
    public static async Task<StorePage> ParentsByIdAsync(Run run, IReadOnlyList<int> ids, CancellationToken cancellationToken)
    {
        var read = await IsolatedReads.ReadAsync(run.Odoo, run.Options.Model, ids, run.Options.ReadFields(), cancellationToken);
        return await ParentsAsync(run, read.Rows, read.Unreadable, cancellationToken);
    }

    /// <summary>Children read in full by id, on their own (edited alone, retried, or found stale by the sweep).</summary>
    public static async Task<StorePage> ChildrenByIdAsync(Run run, ChildRelation relation, IReadOnlyList<int> ids, CancellationToken cancellationToken)
    {
        var read = await IsolatedReads.ReadAsync(run.Odoo, relation.Model, ids, relation.ReadFields(), cancellationToken);
        return Children(run, relation, read.Rows, read.Unreadable);
    }

    /// <summary>Children read on their own (edited alone, or retried): each a unit of its own, under the parent it names.</summary>
    public static StorePage Children(Run run, ChildRelation relation, List<JsonObject> rows, IReadOnlyList<Unreadable> unreadable)
    {
        var refused = unreadable.Select(child => new Refusal(relation.Model, child.Id, null, child.Error)).ToList();
        foreach (var child in unreadable)
        {
            run.NoteUnreadable(relation.Model, child);
        }

        var units = rows.Select(row =>
        {
            var child = IncomingRecord.FromOdoo(relation.Model, row, OdooRow.Many2One(row, relation.Inverse) ?? 0);
            run.Read(relation.Model).Add(child.Id);
            return new StoreUnit(child, []);
        }).ToList();
        return new StorePage(units, refused);
    }
}
