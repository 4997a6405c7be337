namespace RealtimeSync.OdooIngest.Sync;

/// <summary>
/// Everything in the window [from, ∞) of write_date after the scan's last stored id, paged by id; the whole model on a first
/// sync. Each page records the scan's progress in the transaction that stores it. The next page is read from Odoo while
/// this one is stored, so Odoo and PostgreSQL work at once; a run holds two pages.
/// </summary>
internal sealed class WindowScan(PageStore pages)
{
    public async Task RunAsync(Run run, ScanPosition scan, CancellationToken cancellationToken)
    {
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var next = ReadPageAsync(run, scan, scan.AfterId, reading.Token);
        try
        {
            while (await next is { } page)
            {
                next = page.Full ? ReadPageAsync(run, scan, page.LastId, reading.Token) : Task.FromResult<WindowPage?>(null);
                await pages.StoreAsync(run, page.Records, scan with { AfterId = page.LastId }, cancellationToken);
            }
        }
        finally
        {
            // A store that failed leaves the next read running: it is stopped and waited for, never left behind.
            await reading.CancelAsync();
            await next.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private static async Task<WindowPage?> ReadPageAsync(Run run, ScanPosition scan, int afterId, CancellationToken cancellationToken)
    {
        var domain = WriteWindow.Domain(run.Options.ParsedDomain(), scan.From, afterId);
        var page = await IsolatedReads.PageAsync(run.Odoo, run.Options.Model, domain, run.Options.ReadFields(), run.Options.PageSize, cancellationToken);
        return page.Count == 0 ? null : new WindowPage(await PageReader.ParentsAsync(run, page.Rows, page.Unreadable, cancellationToken), page.LastId, page.Count == run.Options.PageSize);
    }

    /// <summary>A page of the scan as read: its records, where the next page starts, and whether there may be one.</summary>
    private sealed record WindowPage(StorePage Records, int LastId, bool Full);
}
