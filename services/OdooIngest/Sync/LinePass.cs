namespace RealtimeSync.OdooIngest.Sync;

/// <summary>
/// Children edited on their own (a line changed, added or moved while its order's write_date stayed): the ids
/// written in the window are searched, and only those this run has not read already (with their parent, or as a
/// retry) are read and stored, so each line is read and counted once a run.
/// </summary>
internal sealed class LinePass(PageStore pages)
{
    /// <summary>Ids searched per call: an id costs a few bytes to list, and the lines not yet read are read in one call per search.</summary>
    private const int SearchPage = 500;

    public async Task RunAsync(Run run, DateTimeOffset from, CancellationToken cancellationToken)
    {
        foreach (var relation in run.Options.Children)
        {
            var read = run.Read(relation.Model);
            for (var lastId = 0; ;)
            {
                var ids = await run.Odoo.SearchAsync(relation.Model, WriteWindow.Domain([], from, lastId), SearchPage, "id asc", cancellationToken);
                var unread = ids.Where(id => !read.Contains(id)).ToList();
                if (unread.Count > 0)
                {
                    await pages.StoreAsync(run, await PageReader.ChildrenByIdAsync(run, relation, unread, cancellationToken), progress: null, cancellationToken);
                }

                if (ids.Count < SearchPage)
                {
                    break;
                }

                lastId = ids[^1];
            }
        }
    }
}
