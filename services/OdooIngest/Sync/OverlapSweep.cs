using System.Text.Json.Nodes;
using Npgsql;

namespace RealtimeSync.OdooIngest.Sync;

/// <summary>
/// Finds late commits cheaply: a transaction that commits after the recent window passed it carries an older
/// write_date. Everything written within the overlap (parents in the stream's domain, children on their own) is
/// listed as id and write_date only, in keyset pages, and compared with the stored write_date; only records that
/// differ, or are not stored, are read in full and stored through the page path, and so are those leaving the
/// overlap since the previous sweep (<see cref="SweepWindow"/>: a last look, for a late commit that shares its
/// whole second with the stored version). Records this run read already are skipped (each is read once a run).
/// A sweep cut short starts over next time: what it stored compares equal then, so the repeat lists it but reads
/// nothing again.
/// </summary>
internal sealed class OverlapSweep(NpgsqlDataSource dataSource, PageStore pages)
{
    /// <summary>Ids and write_dates listed per call: a few bytes each.</summary>
    private const int ListPage = 1000;

    private const int ReadChunk = 500;

    public async Task RunAsync(Run run, SweepWindow window, SweepCounts counts, CancellationToken cancellationToken)
    {
        var options = run.Options;
        await SweepAsync(run, options.Model, options.ParsedDomain(), window, options.PageSize, counts,
            stale => PageReader.ParentsByIdAsync(run, stale, cancellationToken), cancellationToken);
        foreach (var relation in options.Children)
        {
            await SweepAsync(run, relation.Model, [], window, ReadChunk, counts,
                stale => PageReader.ChildrenByIdAsync(run, relation, stale, cancellationToken), cancellationToken);
        }
    }

    private async Task SweepAsync(
        Run run, string model, JsonArray domain, SweepWindow window, int readChunk, SweepCounts counts, Func<IReadOnlyList<int>, Task<StorePage>> read,
        CancellationToken cancellationToken)
    {
        for (var lastId = 0; ;)
        {
            var page = await IsolatedReads.PageAsync(run.Odoo, model, WriteWindow.Domain(domain, window.ListFrom, lastId), ["write_date"], ListPage, cancellationToken);
            if (page.Count == 0)
            {
                return;
            }

            // An id Odoo would not list is read in full: there it fails alone, visibly, as in the window scan.
            var listed = page.Rows.Select(row => (Id: OdooRow.Id(row), WriteDate: OdooRow.WriteDate(row))).Concat(page.Unreadable.Select(bad => (bad.Id, WriteDate: (string?)null))).ToList();
            var stored = await IngestedRecords.WriteDatesAsync(dataSource, run.Database, model, listed.Select(record => record.Id).ToList(), cancellationToken);
            var unread = listed.Where(record => !run.Read(model).Contains(record.Id)).ToList();
            var stale = unread.Where(record => record.WriteDate is null || !stored.TryGetValue(record.Id, out var at) || at != record.WriteDate).Select(record => record.Id).ToHashSet();
            var leaving = unread.Where(record => !stale.Contains(record.Id) && OdooRow.WriteTime(record.WriteDate) < window.From).Select(record => record.Id).ToList();
            counts.Add(model, listed.Count, stale.Count, leaving.Count);
            foreach (var chunk in stale.Concat(leaving).Order().Chunk(readChunk))
            {
                await pages.StoreAsync(run, await read(chunk), progress: null, cancellationToken);
            }

            if (page.Count < ListPage)
            {
                return;
            }

            lastId = page.LastId;
        }
    }
}
