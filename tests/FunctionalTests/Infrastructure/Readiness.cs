using Aspire.Hosting.Testing;

namespace RealtimeSync.FunctionalTests.Infrastructure;

/// <summary>A service's own readiness probe (<c>/health</c>, not through the gateway), as Kubernetes would ask it.</summary>
internal static class Readiness
{
    /// <summary>
    /// "{status code} {body}" of the service's <c>/health</c>, or null while it gives no answer (restarting). The
    /// probe waits longer than the service's own 10 s request bound, so a slow check still answers.
    /// </summary>
    public static async Task<string?> ReportAsync(RealtimeSystem system, string service)
    {
        using var probe = new HttpClient { BaseAddress = system.App.GetEndpoint(service, "http"), Timeout = TimeSpan.FromSeconds(15) };
        try
        {
            using var response = await probe.GetAsync("/health");
            return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>
    /// Waits until the service's <c>/health</c> answers 200 with <paramref name="status"/>, naming <paramref name="check"/> on a
    /// line of its own as the reason when one is given.
    /// </summary>
    public static Task UntilAsync(RealtimeSystem system, string service, string status, string? check, TimeSpan timeout) =>
        Wait.UntilAsync(async () => await ReportAsync(system, service) is { } report
                && report.Split('\n')[0] == $"200 {status}"
                && (check is null || report.Split('\n').Any(line => line.StartsWith($"{check}: {status} - ", StringComparison.Ordinal))),
            timeout, $"{service} /health did not answer 200 {status}{(check is null ? "" : " naming " + check)}");

    /// <summary>Waits until the service answers its readiness probe with 200 (Healthy or Degraded).</summary>
    public static Task UntilReadyAsync(RealtimeSystem system, string service, TimeSpan timeout, string failure) =>
        Wait.UntilAsync(async () => (await ReportAsync(system, service))?.StartsWith("200 ", StringComparison.Ordinal) == true, timeout, failure);
}
