using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace RealtimeSync.FunctionalTests.Infrastructure;

/// <summary>Backoffice writers for tests that need many changes: several editors, so no one hits the per-user rate limit.</summary>
internal static class Writers
{
    /// <summary>Writes <paramref name="count"/> changes to records of <paramref name="collection"/>, <paramref name="parallel"/> at a time.</summary>
    public static async Task WriteChangesAsync(RealtimeSystem system, string collection, int count, int parallel = 6, string recordPrefix = "r")
    {
        var batch = Guid.NewGuid().ToString("N")[..8]; // every write changes something: a no-op write would (rightly) push nothing
        var editors = Enumerable.Range(0, Math.Max(1, count / 500 + 1)).Select(index => system.ClientFor($"editor-{collection}-{index}", "editor")).ToList();
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(1, count), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (n, cancellationToken) =>
            {
                var editor = editors[n % editors.Count];
                var response = await editor.PutAsJsonAsync($"/api/records/{collection}/{recordPrefix}{n % 50}", new { sequence = n, note = $"change {n} of batch {batch}" }, cancellationToken);
                response.EnsureSuccessStatusCode();
            });
        }
        finally
        {
            editors.ForEach(editor => editor.Dispose());
        }
    }

    public static async Task<JsonObject> PutAsync(HttpClient client, string collection, string id, object body, string? connectionId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/records/{collection}/{id}") { Content = JsonContent.Create(body) };
        if (connectionId is not null)
        {
            request.Headers.Add("X-Connection-Id", connectionId);
        }

        var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>Waits until <paramref name="topic"/> has logged <paramref name="offset"/> messages (the pipeline is asynchronous); returns its epoch.</summary>
    public static async Task<string> WaitForOffsetAsync(RealtimeSystem system, string topic, long offset)
    {
        JsonNode head = null!;
        await Wait.UntilAsync(async () =>
        {
            head = (await system.Gateway.GetFromJsonAsync<JsonObject>($"/api/sync/changes?topics={topic}"))!["topics"]![0]!;
            return (long)head["offset"]! >= offset;
        }, TimeSpan.FromMinutes(2), $"{topic} did not reach offset {offset}");
        return (string)head["epoch"]!;
    }

    /// <summary>Offsets of a list of messages, asserted to be exactly <paramref name="first"/>..<paramref name="first"/>+n-1 in order.</summary>
    public static void AssertContiguous(IReadOnlyList<JsonObject> messages, long first)
    {
        var offsets = messages.Select(message => (long)message["offset"]!).ToList();
        Assert.Equal(Enumerable.Range(0, offsets.Count).Select(index => first + index), offsets);
    }
}
