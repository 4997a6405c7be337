using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace RealtimeSync.FunctionalTests.Infrastructure;

/// <summary>The backoffice's side of the records API: one call per verb, answering status, body and ETag.</summary>
public sealed class Backoffice(HttpClient http)
{
    public sealed record Answer(HttpStatusCode Status, JsonObject? Body, string? ETag, string? MediaType)
    {
        public JsonObject Data => Body!["data"]!.AsObject();

        public long Version => (long)Body!["version"]!;
    }

    public Task<Answer> GetAsync(string path) => SendAsync(HttpMethod.Get, path, null, null);

    public Task<Answer> PutAsync(string path, object body, string? ifMatch = null) => SendAsync(HttpMethod.Put, path, Json(body, "application/json"), ifMatch);

    public Task<Answer> PostAsync(string path, object body) => SendAsync(HttpMethod.Post, path, Json(body, "application/json"), null);

    public Task<Answer> PatchAsync(string path, object body, string? ifMatch = null) => SendAsync(HttpMethod.Patch, path, Json(body, "application/merge-patch+json"), ifMatch);

    public Task<Answer> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path, null, null);

    public Task<Answer> SendRawAsync(HttpMethod method, string path, string text, string mediaType) =>
        SendAsync(method, path, new StringContent(text, Encoding.UTF8, mediaType), null);

    /// <summary>The document without the fields the server keeps, for comparing what a client wrote.</summary>
    public static JsonObject ClientFields(JsonObject data) =>
        new(data.Where(pair => pair.Key is not ("createdAt" or "updatedAt" or "updatedBy")).Select(pair => KeyValuePair.Create(pair.Key, pair.Value?.DeepClone())));

    private static HttpContent Json(object body, string mediaType)
    {
        var text = body is JsonNode node ? node.ToJsonString() : JsonContent.Create(body).ReadAsStringAsync().GetAwaiter().GetResult();
        var content = new StringContent(text, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }

    private async Task<Answer> SendAsync(HttpMethod method, string path, HttpContent? content, string? ifMatch)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Answer(response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) as JsonObject : null, response.Headers.ETag?.Tag, response.Content.Headers.ContentType?.MediaType);
    }
}
