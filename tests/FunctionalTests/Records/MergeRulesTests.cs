using System.Net;
using System.Text.Json.Nodes;
using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.Records;

/// <summary>How writes merge: RFC 7396 PATCH, preserved fields under every verb, no-op writes, and what the server keeps.</summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class MergeRulesTests(RealtimeSystem system)
{
    private readonly Backoffice _backoffice = new(system.Gateway);

    // RFC 7396 Appendix A, the examples whose document and patch are objects (a record is always an object).
    [Theory]
    [InlineData("""{"a":"b"}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"b":"c"}""", """{"a":"b","b":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"a":null}""", """{}""")]
    [InlineData("""{"a":"b","b":"c"}""", """{"a":null}""", """{"b":"c"}""")]
    [InlineData("""{"a":["b"]}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"c"}""", """{"a":["b"]}""", """{"a":["b"]}""")]
    [InlineData("""{"a":{"b":"c"}}""", """{"a":{"b":"d","c":null}}""", """{"a":{"b":"d"}}""")]
    [InlineData("""{"a":[{"b":"c"}]}""", """{"a":[1]}""", """{"a":[1]}""")]
    [InlineData("""{"e":null}""", """{"a":1}""", """{"e":null,"a":1}""")]
    [InlineData("""{}""", """{"a":{"bb":{"ccc":null}}}""", """{"a":{"bb":{}}}""")]
    public async Task Patch_follows_the_rfc_7396_examples(string original, string patch, string result)
    {
        var path = $"/api/records/{Topics.UniqueCollection()}/doc";
        Assert.Equal(HttpStatusCode.Created, (await _backoffice.PutAsync(path, JsonNode.Parse(original)!)).Status);

        var patched = await _backoffice.PatchAsync(path, JsonNode.Parse(patch)!);

        Assert.True(patched.Status == HttpStatusCode.OK, patched.Body?.ToJsonString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(result), Backoffice.ClientFields((await _backoffice.GetAsync(path)).Data)));
    }

    [Fact]
    public async Task Preserved_fields_survive_put_patch_and_batch_and_the_server_keeps_its_own_fields()
    {
        var path = $"/api/records/team/{Guid.NewGuid():N}";
        var created = await _backoffice.PutAsync(path, new { name = "Ada", role = "engineer", employeeId = "E-7", joinDate = "2024-03-01T00:00:00Z" });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var createdAt = (string?)created.Data["createdAt"];

        var put = await _backoffice.PutAsync(path, new { name = "Ada L.", role = "lead", employeeId = "HACKED", createdAt = "1999-01-01T00:00:00Z" });
        var patch = await _backoffice.PatchAsync(path, new { joinDate = (string?)null, role = "cto" });
        using var batchRequest = await system.Gateway.PostAsync("/api/records/_batch", System.Net.Http.Json.JsonContent.Create(new
        {
            operations = new object[] { new { method = "PUT", collection = "team", id = path.Split('/')[^1], body = new { name = "Ada Lovelace", employeeId = "AGAIN" } } },
        }));
        var final = await _backoffice.GetAsync(path);

        Assert.Equal(["createdAt", "employeeId"], put.Body!["ignoredFields"]!.AsArray().Select(field => (string?)field));
        Assert.Equal(["joinDate"], patch.Body!["ignoredFields"]!.AsArray().Select(field => (string?)field));
        Assert.Equal(HttpStatusCode.OK, batchRequest.StatusCode);
        Assert.Equal("E-7", (string?)final.Data["employeeId"]);
        Assert.Equal("2024-03-01T00:00:00Z", (string?)final.Data["joinDate"]);
        Assert.Equal("Ada Lovelace", (string?)final.Data["name"]);
        Assert.Null(final.Data["role"]); // PUT replaces the editable fields: the batch PUT had no role
        Assert.Equal(createdAt, (string?)final.Data["createdAt"]);
        Assert.Equal("backoffice", (string?)final.Data["updatedBy"]);
    }

    [Fact]
    public async Task A_request_may_preserve_more_fields_but_never_fewer()
    {
        var path = $"/api/records/services/{Guid.NewGuid():N}";
        await _backoffice.PutAsync(path, new { title = "Audit", description = "first", views = 10 });

        var put = await _backoffice.PutAsync(path + "?preserveFields=description", new { title = "Audit+", description = "overwritten?", views = 0 });

        Assert.Equal("first", (string?)put.Data["description"]);
        Assert.Equal(10, (int)put.Data["views"]!);
        Assert.Equal("Audit+", (string?)put.Data["title"]);
    }

    [Fact]
    public async Task A_write_that_changes_nothing_is_unchanged_with_no_version_no_history_and_no_push_message()
    {
        var collection = Topics.UniqueCollection();
        var path = $"/api/records/{collection}/same";
        var first = await _backoffice.PutAsync(path, new { title = "one", tags = new[] { "a" } });
        await Writers.WaitForOffsetAsync(system, $"records/{collection}/same", 1); // the creation's message is out before we listen
        await using var client = await system.ConnectAsync("viewer-20", "viewer");
        await client.SubscribeAsync($"records/{collection}/same");

        var again = await _backoffice.PutAsync(path, new { tags = new[] { "a" }, title = "one" });
        var patched = await _backoffice.PatchAsync(path, new { title = "one" });

        Assert.Equal("unchanged", (string?)again.Body!["status"]);
        Assert.Equal("unchanged", (string?)patched.Body!["status"]);
        Assert.Equal(first.Version, again.Version);
        Assert.Single((await _backoffice.GetAsync(path + "/history")).Body!["entries"]!.AsArray());
        Assert.Empty(await client.DrainMessagesAsync(TimeSpan.FromSeconds(2)));
    }
}
