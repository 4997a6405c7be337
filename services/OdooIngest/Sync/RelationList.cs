namespace RealtimeSync.OdooIngest.Sync;

/// <summary>
/// A stored parent's one2many list brought in line with the children stored under it: ids of children no longer
/// there leave it, the order Odoo gave the others is kept, and newcomers follow in id order (where Odoo puts a line
/// added last), so the next time Odoo sends the list it most likely reads the same.
/// </summary>
public static class RelationList
{
    /// <summary>The aligned list, or null when <paramref name="listed"/> agrees with <paramref name="children"/> already.</summary>
    public static List<int>? Align(IReadOnlyList<int> listed, IReadOnlySet<int> children)
    {
        var kept = listed.Where(children.Contains).Distinct().ToList();
        var added = children.Except(kept).Order();
        var aligned = kept.Concat(added).ToList();
        return aligned.SequenceEqual(listed) ? null : aligned;
    }
}
