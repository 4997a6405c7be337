using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.Ingest;

/// <summary>
/// Odoo's "Send Webhook Notification" action as a hint: with the shared secret it starts the stream's run at once
/// (the partners stream polls hourly under Testing), duplicates are one run, and its body is never taken as data.
/// </summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class WebhookHintTests(RealtimeSystem system)
{
    private const string Stream = "partners";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_hint_with_the_secret_starts_the_streams_run_at_once_and_its_body_is_not_trusted()
    {
        using var admin = system.ClientFor("hint-admin", "admin");
        var before = await WaitForFirstRunAsync(admin);
        var partner = system.Odoo.Database.Run(odoo => odoo.Create("res.partner", new JsonObject { ["name"] = "Written in Odoo", ["active"] = true }));

        // Odoo posts the record's fields; a forger could post anything. Two hints in a row, as two edits would send.
        using var anonymous = system.ClientFor(null);
        var forged = new JsonObject { ["_id"] = partner, ["_model"] = "res.partner", ["name"] = "Forged in the hint" };
        for (var i = 0; i < 2; i++)
        {
            using var hint = await anonymous.PostAsJsonAsync($"/api/ingest/hints/{Stream}?secret={Uri.EscapeDataString(system.HintSecret)}", forged);
            Assert.Equal(HttpStatusCode.Accepted, hint.StatusCode);
        }

        await Wait.UntilAsync(async () => (await RunsAsync(admin)).Any(run => (long)run["id"]! > before && run["finished_at"] is not null),
            Patience, "the hint did not start a run of the hourly stream");
        await Wait.UntilAsync(async () => (await new IngestProbe(system).RowsAsync("res.partner")).TryGetValue(partner, out var row)
                && (string?)row.Data["name"] == "Written in Odoo",
            Patience, "the run did not store the partner as Odoo has it");
    }

    [Theory]
    [InlineData("wrong-secret", Stream, HttpStatusCode.Unauthorized)]
    [InlineData(null, Stream, HttpStatusCode.Unauthorized)]
    [InlineData("the secret", "no-such-stream", HttpStatusCode.NotFound)]
    public async Task A_hint_without_the_secret_or_for_no_stream_is_refused_with_a_problem(string? secret, string stream, HttpStatusCode expected)
    {
        using var anonymous = system.ClientFor(null);
        var query = secret switch { null => string.Empty, "the secret" => $"?secret={Uri.EscapeDataString(system.HintSecret)}", _ => $"?secret={secret}" };

        using var response = await anonymous.PostAsync($"/api/ingest/hints/{stream}{query}", null);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static async Task<List<JsonObject>> RunsAsync(HttpClient admin) =>
        [.. (await admin.GetFromJsonAsync<JsonObject>($"/api/ingest/runs?stream={Stream}&limit=20"))!["runs"]!.AsArray().Select(run => run!.AsObject())];

    /// <summary>The id of the stream's latest finished run, once its first (at start) has finished.</summary>
    private static async Task<long> WaitForFirstRunAsync(HttpClient admin)
    {
        long latest = 0;
        await Wait.UntilAsync(async () =>
        {
            var finished = (await RunsAsync(admin)).Where(run => run["finished_at"] is not null).ToList();
            latest = finished.Count == 0 ? 0 : finished.Max(run => (long)run["id"]!);
            return finished.Count > 0 && (await RunsAsync(admin)).All(run => run["finished_at"] is not null);
        }, Patience, "the partners stream's first run did not finish");
        return latest;
    }
}
