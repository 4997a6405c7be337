using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RealtimeSync.ServiceDefaults;

namespace RealtimeSync.UnitTests.ServiceDefaults;

/// <summary>/health's body: the status word first, then a line per check that is not healthy, with its reason.</summary>
public sealed class ReadinessReportTests
{
    [Fact]
    public async Task A_healthy_service_answers_the_status_word_alone()
    {
        var body = await WriteAsync(new() { ["self"] = Entry(HealthStatus.Healthy, "fine") });

        Assert.Equal("Healthy", body);
    }

    [Fact]
    public async Task Each_check_that_is_not_healthy_gets_a_line_with_its_reason()
    {
        var body = await WriteAsync(new()
        {
            ["self"] = Entry(HealthStatus.Healthy, null),
            ["outbox-set-aside"] = Entry(HealthStatus.Degraded, "2 outbox rows set aside\nsee the list"),
            ["PostgreSql"] = Entry(HealthStatus.Unhealthy, null),
        });

        Assert.Equal("Unhealthy\nPostgreSql: Unhealthy\noutbox-set-aside: Degraded - 2 outbox rows set aside see the list", body);
    }

    private static HealthReportEntry Entry(HealthStatus status, string? description) => new(status, description, TimeSpan.Zero, null, null);

    private static async Task<string> WriteAsync(Dictionary<string, HealthReportEntry> entries)
    {
        var http = new DefaultHttpContext();
        http.Response.Body = new MemoryStream();
        await ReadinessReport.WriteAsync(http, new HealthReport(entries, TimeSpan.Zero));
        http.Response.Body.Position = 0;
        return await new StreamReader(http.Response.Body).ReadToEndAsync();
    }
}
