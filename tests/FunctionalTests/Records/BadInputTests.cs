using System.Net;
using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.Records;

/// <summary>Every way a write can be wrong gets a problem that names the cause, and changes nothing.</summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class BadInputTests(RealtimeSystem system)
{
    private readonly Backoffice _backoffice = new(system.Gateway);

    [Theory]
    [InlineData("PUT", "{\"name\": ", "application/json", HttpStatusCode.BadRequest, "Malformed JSON")]
    [InlineData("PUT", "[1, 2]", "application/json", HttpStatusCode.BadRequest, "Body must be a JSON object")]
    [InlineData("PUT", "{\"name\": \"Ada\", \"name\": \"Grace\"}", "application/json", HttpStatusCode.BadRequest, "Malformed JSON")]
    [InlineData("PUT", "{\"name\": \"\\ud800\"}", "application/json", HttpStatusCode.BadRequest, "Malformed JSON")]
    [InlineData("PUT", "{\"name\": \"A\\u0000da\"}", "application/json", HttpStatusCode.BadRequest, "Malformed JSON")]
    [InlineData("PUT", "name=Ada", "application/x-www-form-urlencoded", HttpStatusCode.UnsupportedMediaType, "Unsupported media type")]
    [InlineData("PATCH", "{\"name\": \"Ada\"}", "application/json", HttpStatusCode.UnsupportedMediaType, "Unsupported media type")]
    [InlineData("PUT", "{\"role\": \"nameless\"}", "application/json", HttpStatusCode.UnprocessableEntity, "Invalid record")]
    [InlineData("PUT", "{\"name\": \"Ada\", \"salary\": \"lots\", \"email\": \"not-an-address\"}", "application/json", HttpStatusCode.UnprocessableEntity, "Invalid record")]
    public async Task A_bad_write_gets_a_problem_and_stores_nothing(string method, string body, string mediaType, HttpStatusCode status, string title)
    {
        var path = $"/api/records/team/{Guid.NewGuid():N}";
        if (method == "PATCH")
        {
            await _backoffice.PutAsync(path, new { name = "Grace" });
        }

        var answer = await _backoffice.SendRawAsync(new HttpMethod(method), path, body, mediaType);

        Assert.Equal(status, answer.Status);
        Assert.Equal("application/problem+json", answer.MediaType);
        Assert.Equal(title, (string?)answer.Body!["title"]);
        var stored = await _backoffice.GetAsync(path);
        Assert.True(method == "PATCH" ? (string?)stored.Data["name"] == "Grace" : stored.Status == HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Wrong_fields_are_named_with_their_reasons()
    {
        var answer = await _backoffice.PutAsync($"/api/records/team/{Guid.NewGuid():N}", new { salary = "lots", email = "nope", joinDate = "yesterday" });

        var errors = answer.Body!["errors"]!.AsObject();
        Assert.Equal(["email", "joinDate", "name", "salary"], errors.Select(pair => pair.Key).Order());
        Assert.Contains("required", (string?)errors["name"]![0]);
        Assert.Contains("a number", (string?)errors["salary"]![0]);
    }

    [Fact]
    public async Task An_oversized_body_an_unknown_collection_and_the_wrong_role_are_refused()
    {
        var tooBig = await _backoffice.SendRawAsync(HttpMethod.Put, "/api/records/settings/big", "{\"logo\": \"" + new string('x', 1_100_000) + "\"}", "application/json");
        var unknown = await _backoffice.PutAsync("/api/records/invoices/1", new { total = 1 });
        var asViewer = await new Backoffice(system.ClientFor("viewer-21", "viewer")).PutAsync("/api/records/settings/main", new { companyName = "x" });
        var anonymous = await new Backoffice(system.ClientFor(null)).GetAsync("/api/records/settings/main");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.Status);
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Contains("not declared", (string?)unknown.Body!["detail"]);
        Assert.Equal(HttpStatusCode.Forbidden, asViewer.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _backoffice.GetAsync("/api/records/settings/big")).Status);
    }
}
