using System.Diagnostics;
using Aspire.Hosting.Testing;
using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.Browser;

/// <summary>
/// The backoffice page end to end, in Debian's chromium driven by Playwright (clients/e2e), against this fixture's
/// real system: two users' screens, presence, conflicts, an Odoo edit, fallback transports, offline and hidden pages.
/// The page is built by ./test before the functional tests run.
/// </summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class BackofficePageTests(RealtimeSystem system)
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(8);

    [Fact]
    public async Task The_page_passes_its_browser_tests_against_the_running_system()
    {
        var clients = Path.Combine(RealtimeSystem.RepositoryRoot(), "clients");
        Assert.True(File.Exists(Path.Combine(clients, "apps", "backoffice", "dist", "index.html")), "the backoffice page is not built: run `npm ci --prefix clients && npm run build --prefix clients` first (./test does)");
        var start = new ProcessStartInfo("npx", "playwright test")
        {
            WorkingDirectory = Path.Combine(clients, "e2e"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["REALTIMESYNC_URL"] = system.App.GetEndpoint("gateway", "http").ToString().TrimEnd('/');
        start.Environment["ODOO_URL"] = system.Odoo.Url.ToString().TrimEnd('/');
        start.Environment["ODOO_API_KEY"] = "simulated-api-key";
        start.Environment["NO_COLOR"] = "1";
        start.Environment["CI"] = "1";

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(Bound);
        try
        {
            await process.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        var report = $"{await output}\n{await errors}";
        Assert.True(process.ExitCode == 0 && !bound.IsCancellationRequested, $"Playwright failed (exit {process.ExitCode}{(bound.IsCancellationRequested ? $", ended after {Bound}" : string.Empty)}):\n{report}");
        Assert.Matches(@"\d+ passed", report);
        Assert.DoesNotMatch(@"\d+ (failed|flaky|skipped)", report);
    }
}
