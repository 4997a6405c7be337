using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.Ingest;

/// <summary>
/// The fixture waits for the gateway only; odoo-ingest may still be starting (on a loaded machine, for a
/// minute or more), and meanwhile the gateway answers 502 or the call times out. Tests that begin with
/// odoo-ingest's API wait for it here first.
/// </summary>
internal static class IngestReadiness
{
    public static Task UntilAnsweringAsync(IngestProbe ingest) => Wait.UntilAsync(async () =>
    {
        try
        {
            await ingest.StreamAsync();
            return true;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }, TimeSpan.FromMinutes(3), "odoo-ingest did not answer through the gateway within 3 minutes");
}
