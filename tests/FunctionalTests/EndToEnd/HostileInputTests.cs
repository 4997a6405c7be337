using System.Net;
using System.Text;
using RealtimeSync.FunctionalTests.Infrastructure;
using RealtimeSync.ServiceDefaults.Auth;

namespace RealtimeSync.FunctionalTests.EndToEnd;

/// <summary>
/// A catalogue of hostile inputs sent through the gateway to every write, query and socket command:
/// each gets a 4xx problem (never a 500), nothing is stored, and every service is healthy afterwards.
/// </summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class HostileInputTests(RealtimeSystem system)
{
    private const string Collection = "thostile";

    /// <summary>A document nested 40 levels deep, past the 32 every stored or pushed document may have.</summary>
    private static readonly string Deep = new StringBuilder().Insert(0, "{\"a\":", 40).Append('1').Append('}', 40).ToString();

    private static readonly string LoneSurrogateName = "{\"ok\": {\"bad\\ud800\": 1}}";
    private static readonly string HugeNumber = "{\"n\": 1e1000000}";

    public static TheoryData<string, string, string, string?, string, HttpStatusCode> Catalogue() => new()
    {
        // name, method, path, body, media type, expected status
        { "deep PUT", "PUT", $"/api/records/{Collection}/deep-put", Deep, "application/json", HttpStatusCode.UnprocessableEntity },
        { "deep PATCH", "PATCH", $"/api/records/{Collection}/deep-patch", Deep, "application/merge-patch+json", HttpStatusCode.UnprocessableEntity },
        { "deep POST", "POST", $"/api/records/{Collection}", Deep, "application/json", HttpStatusCode.UnprocessableEntity },
        { "lone surrogate in a nested name", "PUT", $"/api/records/{Collection}/surrogate", LoneSurrogateName, "application/json", HttpStatusCode.BadRequest },
        { "lone surrogate in a batch", "POST", "/api/records/_batch", $"{{\"operations\": [{{\"method\": \"PUT\", \"collection\": \"{Collection}\", \"id\": \"b1\", \"body\": {LoneSurrogateName}}}]}}", "application/json", HttpStatusCode.BadRequest },
        { "number too large", "PUT", $"/api/records/{Collection}/huge", HugeNumber, "application/json", HttpStatusCode.BadRequest },
        { "newline after an id", "PUT", $"/api/records/{Collection}/main%0A", "{\"ok\": true}", "application/json", HttpStatusCode.BadRequest },
        { "newline after a collection", "PUT", $"/api/records/{Collection}%0A/main", "{\"ok\": true}", "application/json", HttpStatusCode.BadRequest },
        { "deep send", "POST", "/api/sync/send", $"{{\"type\": \"note\", \"payload\": {Deep}}}", "application/json", HttpStatusCode.UnprocessableEntity },
        { "lone surrogate in a send", "POST", "/api/sync/send", $"{{\"type\": \"note\", \"payload\": {LoneSurrogateName}}}", "application/json", HttpStatusCode.BadRequest },
        { "huge number in a send", "POST", "/api/sync/send", $"{{\"type\": \"note\", \"payload\": {HugeNumber}}}", "application/json", HttpStatusCode.BadRequest },
        { "a message typed as a control frame", "POST", "/api/sync/send", "{\"type\": \"resync\", \"payload\": {}}", "application/json", HttpStatusCode.UnprocessableEntity },
        { "deep broadcast", "POST", "/api/sync/broadcast", $"{{\"type\": \"notice\", \"payload\": {Deep}}}", "application/json", HttpStatusCode.UnprocessableEntity },
        { "non-numeric since", "GET", $"/api/records/{Collection}?since=abc", null, "", HttpStatusCode.BadRequest },
        { "fractional since", "GET", $"/api/records/{Collection}?since=1.5", null, "", HttpStatusCode.BadRequest },
        { "non-numeric limit", "GET", $"/api/records/{Collection}?limit=abc", null, "", HttpStatusCode.BadRequest },
        { "repeated since", "GET", $"/api/records/{Collection}?since=1&since=2", null, "", HttpStatusCode.BadRequest },
        { "non-numeric poll since", "GET", $"/api/sync/poll?since=abc&topics=records/{Collection}", null, "", HttpStatusCode.BadRequest },
        { "repeated poll since", "GET", $"/api/sync/poll?since=1&since=2&topics=records/{Collection}", null, "", HttpStatusCode.BadRequest },
        { "topic with a control character", "GET", $"/api/sync/poll?since=0&topics=records/{Collection}%0Ax", null, "", HttpStatusCode.BadRequest },
        { "non-numeric runs limit", "GET", "/api/ingest/runs?limit=abc", null, "", HttpStatusCode.BadRequest },
    };

    [Theory]
    [MemberData(nameof(Catalogue))]
    public async Task A_hostile_request_gets_a_4xx_problem_and_changes_nothing(string name, string method, string path, string? body, string mediaType, HttpStatusCode expected)
    {
        using var admin = system.ClientFor("hostile-admin", Roles.Admin);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new(mediaType);
        }

        using var response = await admin.SendAsync(request);

        Assert.True(expected == response.StatusCode, $"{name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await AssertNothingStoredAsync(admin);
        await AssertEveryServiceHealthyAsync();
    }

    [Fact]
    public async Task A_batch_with_one_document_too_deep_is_refused_whole_before_any_operation_runs()
    {
        using var admin = system.ClientFor("hostile-admin", Roles.Admin);
        var tooDeep = new StringBuilder().Insert(0, "{\"a\":", 33).Append('1').Append('}', 33);
        var batch = $"{{\"operations\": [{{\"method\": \"PUT\", \"collection\": \"{Collection}\", \"id\": \"fine\", \"body\": {{\"ok\": true}}}}, {{\"method\": \"PUT\", \"collection\": \"{Collection}\", \"id\": \"deep-item\", \"body\": {tooDeep}}}]}}";

        using var response = await admin.PostAsync("/api/records/_batch", new StringContent(batch, Encoding.UTF8, "application/json"));

        var problem = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("Document too deep", (string?)problem["title"]);
        Assert.Contains("32 levels", (string?)problem["detail"]);
        await AssertNothingStoredAsync(admin);
    }

    [Fact]
    public async Task A_refused_event_stream_request_gets_problem_json_though_it_asked_for_text_event_stream()
    {
        using var viewer = system.ClientFor("hostile-viewer", "viewer");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/sync/stream?topics=records/bad%0Atopic");
        request.Headers.Accept.ParseAdd("text/event-stream");

        using var response = await viewer.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("topic", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_token_without_a_subject_is_refused_everywhere()
    {
        using var nameless = system.ClientFor(null);
        nameless.DefaultRequestHeaders.Authorization = new("Bearer", system.Token(" ", Roles.Admin));

        using var write = await nameless.PutAsync($"/api/records/{Collection}/nameless", new StringContent("{\"ok\": true}", Encoding.UTF8, "application/json"));
        using var poll = await nameless.GetAsync($"/api/sync/poll?since=0&topics=records/{Collection}");

        Assert.Equal(HttpStatusCode.Unauthorized, write.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, poll.StatusCode);
        using var admin = system.ClientFor("hostile-admin", Roles.Admin);
        await AssertNothingStoredAsync(admin);
    }

    [Fact]
    public async Task A_websocket_subscribe_to_a_topic_with_a_trailing_newline_is_an_error_frame_not_a_way_around_a_rule()
    {
        await using var client = await system.ConnectAsync("hostile-viewer", "viewer");

        await client.SendTextAsync("{\"type\": \"subscribe\", \"topics\": [\"records/payroll\\n\"]}");

        var error = await client.NextControlAsync("error", TimeSpan.FromSeconds(10));
        Assert.Equal("invalid_message", (string?)error["code"]);
        Assert.True(client.IsOpen);
    }

    private static async Task AssertNothingStoredAsync(HttpClient client)
    {
        using var listing = await client.GetAsync($"/api/records/{Collection}?since=0");
        var text = await listing.Content.ReadAsStringAsync();
        Assert.True(listing.StatusCode == HttpStatusCode.OK, text);
        Assert.Empty(System.Text.Json.Nodes.JsonNode.Parse(text)!["items"]!.AsArray());
    }

    private async Task AssertEveryServiceHealthyAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        foreach (var service in new[] { "merge-api", "change-notifier", "gateway", "odoo-ingest" }.Concat(RealtimeSystem.PushGateways))
        {
            await system.App.ResourceNotifications.WaitForResourceHealthyAsync(service, timeout.Token);
        }
    }
}
