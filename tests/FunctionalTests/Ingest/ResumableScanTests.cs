using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.Ingest;

/// <summary>A window scan cut short (a fault, a timeout, a crash) is not started over: it goes on after the last page it stored.</summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class ResumableScanTests(RealtimeSystem system)
{
    private readonly IngestProbe _ingest = new(system);

    [Fact]
    public async Task A_scan_interrupted_mid_window_goes_on_after_its_last_stored_page_and_misses_nothing()
    {
        // More orders than two pages (200 each), all in one transaction: one write_date.
        var orders = _ingest.CreateOrders("R", 500);
        var boundary = orders[0] + 150; // a scan past this id has stored at least one page of these orders
        var pageStarts = new List<int>();
        var broken = true;
        system.Odoo.Service.Breaks = (model, method, parameters) =>
        {
            if (model != "purchase.order" || method is not ("search_read" or "search") || IngestProbe.AfterId(parameters["domain"]) is not { } after)
            {
                return false;
            }

            lock (pageStarts)
            {
                pageStarts.Add(after);
                return broken && after >= boundary;
            }
        };

        try
        {
            var failed = await _ingest.RunAndWaitAsync();
            Assert.Equal("failed", (string?)failed["status"]);
            var scan = (await _ingest.StreamAsync())["state"]!;
            Assert.True((int)scan["scan_after_id"]! >= boundary, $"the scan position {scan["scan_after_id"]} is not past the stored page");
            Assert.NotNull(scan["scan_started_at"]);
            int firstAfterFailure;
            lock (pageStarts)
            {
                firstAfterFailure = pageStarts.Count;
            }

            // Every run from now on resumes the cut scan, so it reads nothing before the boundary and fails at once.
            Assert.Equal("failed", (string?)(await _ingest.RunAndWaitAsync())["status"]);
            lock (pageStarts)
            {
                Assert.All(pageStarts.Skip(firstAfterFailure), after => Assert.True(after >= boundary, $"a run read from id {after}: it started the scan over"));
            }
        }
        finally
        {
            lock (pageStarts)
            {
                broken = false;
            }
        }

        Assert.Contains((string?)(await _ingest.RunAndWaitAsync())["status"], new[] { "succeeded", "partial" });
        system.Odoo.Service.Breaks = null;
        await _ingest.AssertOrdersStoredAsync("R", orders);
    }
}
