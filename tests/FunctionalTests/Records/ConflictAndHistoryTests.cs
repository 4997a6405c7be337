using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.Records;

/// <summary>Seed 002's edit conflicts made impossible to miss, and a history from which every version comes back.</summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class ConflictAndHistoryTests(RealtimeSystem system)
{
    private readonly Backoffice _backoffice = new(system.Gateway);

    [Fact]
    public async Task Of_two_editors_saving_the_same_version_the_second_gets_412_with_the_current_record_and_the_fields_that_differ()
    {
        var path = $"/api/records/settings/{Guid.NewGuid():N}";
        await _backoffice.PutAsync(path, new { companyName = "TRU", email = "a@tru.example", phone = "01" });
        var opened = await _backoffice.GetAsync(path); // both editors open the form at this version
        using var first = system.ClientFor("editor-ann", "editor");
        using var second = system.ClientFor("editor-bob", "editor");

        var saved = await new Backoffice(first).PatchAsync(path, new { email = "ann@tru.example" }, ifMatch: opened.ETag);
        var conflict = await new Backoffice(second).PatchAsync(path, new { phone = "02" }, ifMatch: opened.ETag);

        Assert.Equal(HttpStatusCode.OK, saved.Status);
        Assert.Equal(HttpStatusCode.PreconditionFailed, conflict.Status);
        Assert.Equal("application/problem+json", conflict.MediaType);
        Assert.Equal(saved.Version, (long)conflict.Body!["currentVersion"]!);
        Assert.Equal("ann@tru.example", (string?)conflict.Body["current"]!["email"]);
        Assert.Equal(["email"], conflict.Body["changedFields"]!.AsArray().Select(field => (string?)field));
        Assert.Equal("01", (string?)(await _backoffice.GetAsync(path)).Data["phone"]); // nothing of the refused save landed

        var weak = await new Backoffice(second).PatchAsync(path, new { phone = "02" }, ifMatch: "W/" + saved.ETag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, weak.Status); // If-Match compares strongly (RFC 9110)
        var retried = await new Backoffice(second).PatchAsync(path, new { phone = "02" }, ifMatch: $"{opened.ETag}, {saved.ETag}");
        Assert.Equal(HttpStatusCode.OK, retried.Status); // one of the listed versions is the current one
    }

    [Fact]
    public async Task The_history_reconstructs_every_version_including_a_deletion()
    {
        var path = $"/api/records/services/{Guid.NewGuid():N}";
        var versions = new List<Backoffice.Answer>
        {
            await _backoffice.PostAsync("/api/records/services", new { id = path.Split('/')[^1], title = "Audit", price = 100 }),
            await _backoffice.PatchAsync(path, new { price = 120 }),
            await _backoffice.PutAsync(path, new { title = "Security audit", price = 120, tags = new[] { "security" } }),
            await _backoffice.PatchAsync(path, new { tags = (string[]?)null }),
        };
        var deleted = await _backoffice.DeleteAsync(path);

        var entries = (await _backoffice.GetAsync(path + "/history")).Body!["entries"]!.AsArray().Select(entry => entry!.AsObject()).ToList();

        Assert.Equal(HttpStatusCode.Created, versions[0].Status);
        Assert.Equal(HttpStatusCode.OK, deleted.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _backoffice.GetAsync(path)).Status);
        Assert.Equal(["created", "updated", "updated", "updated", "deleted"], entries.Select(entry => (string?)entry["operation"]));
        Assert.Equal(versions.Select(version => version.Version).Append(deleted.Version), entries.Select(entry => (long)entry["version"]!));
        for (var index = 0; index < versions.Count; index++)
        {
            Assert.True(JsonNode.DeepEquals(versions[index].Data, entries[index]["after"]), $"version {index + 1} differs from its history entry");
            Assert.True(JsonNode.DeepEquals(index == 0 ? null : entries[index - 1]["after"], entries[index]["before"]));
            Assert.Equal("backoffice", (string?)entries[index]["actor"]);
        }

        Assert.Contains("price", entries[1]["changedFields"]!.AsArray().Select(field => (string?)field));
        Assert.Null(entries[4]["after"]);
        Assert.True(JsonNode.DeepEquals(versions[^1].Data, entries[4]["before"]));
    }

    [Fact]
    public async Task A_long_history_comes_in_pages_and_bad_paging_or_a_record_never_written_is_refused_clearly()
    {
        var path = $"/api/records/{Topics.UniqueCollection()}/{Guid.NewGuid():N}";
        for (var value = 1; value <= 5; value++)
        {
            await _backoffice.PutAsync(path, new { value });
        }

        var pages = new List<JsonObject>();
        var since = 0L;
        do
        {
            pages.Add((await _backoffice.GetAsync($"{path}/history?since={since}&limit=2")).Body!);
            since = (long)pages[^1]["nextSince"]!;
        }
        while ((bool)pages[^1]["hasMore"]! && pages.Count < 10);
        var past = await _backoffice.GetAsync($"{path}/history?since=5");

        Assert.Equal([[1L, 2L], [3L, 4L], [5L]], pages.Select(page => page["entries"]!.AsArray().Select(entry => (long)entry!["version"]!).ToArray()));
        Assert.Equal([true, true, false], pages.Select(page => (bool)page["hasMore"]!));
        Assert.Equal(HttpStatusCode.OK, past.Status); // after the last change: an empty page, not "never written"
        Assert.Empty(past.Body!["entries"]!.AsArray());
        Assert.Equal(5L, (long)past.Body["nextSince"]!);
        foreach (var bad in new[] { "limit=0", "limit=1001", "since=-1", "limit=many" })
        {
            var refused = await _backoffice.GetAsync($"{path}/history?{bad}");
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.Equal("application/problem+json", refused.MediaType);
        }

        var never = $"/api/records/{Topics.UniqueCollection()}/never";
        Assert.Equal(HttpStatusCode.NotFound, (await _backoffice.GetAsync($"{never}/history")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _backoffice.GetAsync($"{never}/history?since=3")).Status);
    }

    [Fact]
    public async Task Since_lists_what_changed_after_a_version_in_order_with_deletions_and_pages()
    {
        var collection = Topics.UniqueCollection();
        foreach (var id in new[] { "a", "b", "c" })
        {
            await _backoffice.PutAsync($"/api/records/{collection}/{id}", new { id });
        }

        await _backoffice.PatchAsync($"/api/records/{collection}/a", new { touched = true });
        await _backoffice.DeleteAsync($"/api/records/{collection}/b");

        var firstPage = (await _backoffice.GetAsync($"/api/records/{collection}?since=0&limit=2")).Body!;
        var rest = (await _backoffice.GetAsync($"/api/records/{collection}?since={(long)firstPage["nextSince"]!}&limit=2")).Body!;
        var items = firstPage["items"]!.AsArray().Concat(rest["items"]!.AsArray()).Select(item => item!.AsObject()).ToList();

        Assert.True((bool)firstPage["hasMore"]!);
        Assert.False((bool)rest["hasMore"]!);
        Assert.Equal(["c", "a", "b"], items.Select(item => (string?)item["id"]));
        Assert.Equal([3L, 4L, 5L], items.Select(item => (long)item["version"]!));
        Assert.True((bool)items[2]["deleted"]!);
    }

    [Fact]
    public async Task A_batch_applies_each_write_on_its_own_and_rapid_writes_to_one_record_in_order()
    {
        var collection = Topics.UniqueCollection();
        var operations = Enumerable.Range(1, 10).Select(n => (object)new { method = "PATCH", collection, id = "counter", body = new { value = n } }).ToList();
        operations.Insert(0, new { method = "PUT", collection, id = "counter", body = new { value = 0 } });
        operations.Insert(5, new { method = "PATCH", collection = "no-such-collection", id = "x", body = new { } });
        operations.Insert(6, new { method = "SHOUT", collection, id = "counter" });

        var response = await system.Gateway.PostAsJsonAsync("/api/records/_batch", new { operations });
        var results = (await response.Content.ReadFromJsonAsync<JsonObject>())!["results"]!.AsArray();
        var history = (await _backoffice.GetAsync($"/api/records/{collection}/counter/history")).Body!["entries"]!.AsArray();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(13, results.Count);
        Assert.Equal(404, (int)results[5]!["status"]!);
        Assert.Equal(400, (int)results[6]!["status"]!);
        Assert.All(results.Where((_, index) => index is not (5 or 6)), result => Assert.True((int)result!["status"]! is 200 or 201));
        Assert.Equal(10, (int)(await _backoffice.GetAsync($"/api/records/{collection}/counter")).Data["value"]!);
        Assert.Equal(Enumerable.Range(0, 11), history.Select(entry => (int)entry!["after"]!["value"]!));
    }
}
