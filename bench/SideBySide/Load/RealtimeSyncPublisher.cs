using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace RealtimeSync.Bench.SideBySide.Load;

/// <summary>
/// RealtimeSync's writes: <c>PUT /api/records/tbench/r{n % 100}</c> through the gateway as an editor, the message as the
/// record's body. A new editor every <see cref="WritesPerEditor"/> writes keeps each under the gateway's per-user rate
/// limit (1000 requests per 15 minutes) however many rounds run.
/// </summary>
internal sealed class RealtimeSyncPublisher(Uri gateway, Func<string, string> editorToken) : IPublisher
{
    private const int WritesPerEditor = 200;
    private readonly HttpClient _client = new() { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(30) };
    private readonly ConcurrentDictionary<long, AuthenticationHeaderValue> _editors = new();

    public async Task PublishAsync(long sequence, CancellationToken cancellationToken)
    {
        var editor = _editors.GetOrAdd(sequence / WritesPerEditor, index => new AuthenticationHeaderValue("Bearer", editorToken($"bench-editor-{index}")));
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/records/tbench/r{sequence % 100}") { Headers = { Authorization = editor } };
        request.Content = new StringContent(MessageText.Format(sequence, Stopwatch.GetTimestamp()), Encoding.UTF8, "application/json");
        using var response = await _client.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public void Dispose() => _client.Dispose();
}
