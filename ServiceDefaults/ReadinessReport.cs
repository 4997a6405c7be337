using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RealtimeSync.ServiceDefaults;

/// <summary>
/// The body of <c>/health</c>: the status word on the first line (what probes and dashboards read), then one line
/// per check that is not healthy, with its description, so an operator sees why (outbox rows set aside, a
/// dependency down) without logs. Names and counts only: nothing a caller could use against the service.
/// </summary>
public static class ReadinessReport
{
    public static Task WriteAsync(HttpContext http, HealthReport report)
    {
        var text = new StringBuilder(report.Status.ToString());
        foreach (var (name, entry) in report.Entries.Where(entry => entry.Value.Status != HealthStatus.Healthy).OrderBy(entry => entry.Key, StringComparer.Ordinal))
        {
            text.Append('\n').Append(name).Append(": ").Append(entry.Status);
            if (!string.IsNullOrEmpty(entry.Description))
            {
                text.Append(" - ").Append(entry.Description.ReplaceLineEndings(" "));
            }
        }

        http.Response.ContentType = "text/plain; charset=utf-8";
        return http.Response.WriteAsync(text.ToString());
    }
}
