using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.OpenApi;

/// <summary>
/// Each HTTP API's OpenAPI document, fetched as a frontend would (through the gateway, without a token), lists the real
/// endpoints with their problem responses and is exactly the copy committed in clients/openapi/, from which clients'
/// types are generated: that copy can never drift from the API. <c>UPDATE_OPENAPI=1</c> rewrites the copies instead.
/// </summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class ApiDocumentTests(RealtimeSystem system)
{
    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly HttpClient _anonymous = system.ClientFor(null);

    [Theory]
    [InlineData("records", "/api/records/{collection}/{id}", "put", new[] { "200", "201", "400", "401", "403", "412", "413", "415", "422", "429", "503" })]
    [InlineData("records", "/api/records/{collection}/{id}", "patch", new[] { "200", "404", "412", "415", "422" })]
    [InlineData("records", "/api/records/{collection}", "get", new[] { "200", "400", "401", "404" })]
    [InlineData("records", "/api/records/_batch", "post", new[] { "200", "413", "422" })]
    [InlineData("sync", "/api/sync/poll", "get", new[] { "200", "400", "401", "403", "429", "503" })]
    [InlineData("sync", "/api/sync/send", "post", new[] { "200", "403", "413", "415", "422" })]
    [InlineData("ingest", "/api/ingest/runs", "get", new[] { "200", "400", "401", "403" })]
    [InlineData("ingest", "/api/ingest/streams/{name}/run", "post", new[] { "202", "404", "409" })]
    public async Task A_document_lists_the_real_endpoints_with_their_problem_responses(string name, string path, string method, string[] statuses)
    {
        var document = JsonNode.Parse(await FetchAsync(name))!.AsObject();

        var operation = document["paths"]?[path]?[method]?.AsObject();
        Assert.True(operation is not null, $"{name}.json has no {method.ToUpperInvariant()} {path}; it has: {string.Join(", ", document["paths"]!.AsObject().Select(pair => pair.Key))}");
        var responses = operation["responses"]!.AsObject();
        foreach (var status in statuses)
        {
            Assert.True(responses.ContainsKey(status), $"{method.ToUpperInvariant()} {path} does not list {status}; it lists {string.Join(", ", responses.Select(pair => pair.Key))}");
            if (status[0] is '4' or '5')
            {
                Assert.True(responses[status]!["content"]?["application/problem+json"]?["schema"] is not null, $"{method.ToUpperInvariant()} {path}'s {status} is not a problem+json response");
            }
        }

        Assert.False(string.IsNullOrWhiteSpace((string?)operation["summary"]), $"{method.ToUpperInvariant()} {path} has no summary");
    }

    [Theory]
    [InlineData("records")]
    [InlineData("sync")]
    [InlineData("ingest")]
    public async Task A_document_is_valid_OpenAPI_3_with_typed_answers_and_equals_its_committed_copy(string name)
    {
        var served = await FetchAsync(name);

        var document = JsonNode.Parse(served)!.AsObject();
        Assert.StartsWith("3.", (string?)document["openapi"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)document["info"]?["title"]));
        Assert.Equal("/", (string?)document["servers"]?[0]?["url"]); // frontends call through the gateway
        Assert.Equal("bearer", (string?)document["components"]?["securitySchemes"]?["bearer"]?["scheme"]);
        var operations = document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject().Select(operation => (Name: $"{operation.Key.ToUpperInvariant()} {path.Key}", Operation: operation.Value!))).ToList();
        Assert.NotEmpty(operations);
        foreach (var (operationName, operation) in operations)
        {
            // Every answer that has a body says what is in it: a schema that is a reference or has a type, never {}.
            foreach (var (status, response) in operation["responses"]!.AsObject())
            {
                foreach (var (mediaType, content) in response!["content"]?.AsObject() ?? [])
                {
                    var schema = content!["schema"]?.AsObject();
                    Assert.True(schema is not null && (schema.ContainsKey("$ref") || schema.ContainsKey("type")), $"{operationName} {status} {mediaType} has an empty schema");
                }
            }
        }

        var text = JsonNode.Parse(served)!.ToJsonString(Pretty) + "\n";
        var committed = Path.Combine(RealtimeSystem.RepositoryRoot(), "clients", "openapi", $"{name}.json");
        if (Environment.GetEnvironmentVariable("UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(committed, text);
            return;
        }

        Assert.True(File.Exists(committed) && await File.ReadAllTextAsync(committed) == text,
            $"clients/openapi/{name}.json is not the document the gateway serves at /openapi/{name}.json. If the API change is meant, "
            + "rewrite the committed copies with UPDATE_OPENAPI=1 dotnet test tests/FunctionalTests --filter FullyQualifiedName~OpenApi, and commit them.");
    }

    [Fact]
    public async Task The_reference_page_lists_the_three_documents_without_a_token()
    {
        await FetchAsync("records"); // the gateway's routes are live

        using var page = await _anonymous.GetAsync("/api-reference");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("RealtimeSync API reference", html, StringComparison.Ordinal);
        foreach (var name in new[] { "records", "sync", "ingest" })
        {
            Assert.Contains($"openapi/{name}.json", html, StringComparison.Ordinal);
        }

        // Scalar's script comes from the gateway too (embedded in the package), not from a CDN.
        var script = Regex.Match(html, "<script src=\"([^\"]+)\"").Groups[1].Value;
        using var scriptAnswer = await _anonymous.GetAsync(new Uri(page.RequestMessage!.RequestUri!, script));
        Assert.Equal(HttpStatusCode.OK, scriptAnswer.StatusCode);
    }

    [Theory]
    [InlineData("records", "/api/records/settings/main")]
    [InlineData("sync", "/api/sync/poll?since=0")]
    [InlineData("ingest", "/api/ingest/runs")]
    public async Task Everything_else_still_needs_a_token(string service, string path)
    {
        await FetchAsync(service); // the service is in the gateway's rotation

        using var answer = await _anonymous.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>The document as the gateway serves it, once the gateway's health checks have put its service in rotation.</summary>
    private async Task<string> FetchAsync(string name)
    {
        var body = string.Empty;
        await Wait.UntilAsync(async () =>
        {
            using var answer = await _anonymous.GetAsync($"/openapi/{name}.json");
            body = await answer.Content.ReadAsStringAsync();
            return answer.StatusCode == HttpStatusCode.OK && answer.Content.Headers.ContentType?.MediaType == "application/json";
        }, TimeSpan.FromSeconds(30), $"The gateway did not serve /openapi/{name}.json without a token");
        return body;
    }
}
