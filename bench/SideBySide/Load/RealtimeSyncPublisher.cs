using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace RealtimeSync.Bench.SideBySide.Load;

/// <summary>
/// RealtimeSync's writes: <c>PUT /api/records/tbench/r{n % 100}</c> through the gateway as an editor, the message as the
/// record's body; for a batch, the same PUTs as the operations of one <c>POST /api/records/_batch</c> (merge-api applies
/// them in order, with a result each). The gateway limits each user to 1000 requests per 15
/// minutes, and a batch is one request: a new editor every <see cref="RequestsPerEditor"/> requests (of each kind) keeps
/// every one under it however many rounds run.
/// </summary>
internal sealed class RealtimeSyncPublisher(Uri gateway, Func<string, string> editorToken) : IPublisher
{
    private const int RequestsPerEditor = 200;
    private readonly HttpClient _client = new() { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(30) };
    private readonly ConcurrentDictionary<string, AuthenticationHeaderValue> _editors = new();
    private long _batches;

    public async Task PublishAsync(long sequence, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/records/tbench/r{sequence % 100}") { Headers = { Authorization = Editor("bench-editor", sequence) } };
        request.Content = new StringContent(MessageText.Format(sequence, Stopwatch.GetTimestamp()), Encoding.UTF8, "application/json");
        using var response = await _client.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public async Task<BatchReceipt> PublishBatchAsync(long first, int count, CancellationToken cancellationToken)
    {
        var editor = Editor("bench-batch-editor", Interlocked.Increment(ref _batches) - 1);
        var sentAt = Stopwatch.GetTimestamp();
        var operations = new StringBuilder("""{"operations":[""");
        for (var i = 0; i < count; i++)
        {
            var sequence = first + i;
            operations.Append(CultureInfo.InvariantCulture,
                $$"""{{(i == 0 ? "" : ",")}}{"method":"PUT","collection":"tbench","id":"r{{sequence % 100}}","body":{{MessageText.Format(sequence, sentAt)}}}""");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/records/_batch") { Headers = { Authorization = editor } };
        request.Content = new StringContent(operations.Append("]}").ToString(), Encoding.UTF8, "application/json");
        using var response = await _client.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var answer = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return Receipt(answer.RootElement.GetProperty("results"), count);
    }

    public void Dispose() => _client.Dispose();

    /// <summary>
    /// <c>{"results":[{"index":0,"status":201,"result":{...}}, ...]}</c>: an operation is accepted when its status is
    /// 200 (updated) or 201 (created); one without a result is refused too.
    /// </summary>
    private static BatchReceipt Receipt(JsonElement results, int count)
    {
        var accepted = new bool[count];
        string? reason = null;
        foreach (var result in results.EnumerateArray())
        {
            var (index, status) = (result.GetProperty("index").GetInt32(), result.GetProperty("status").GetInt32());
            var ok = status is 200 or 201;
            if (index >= 0 && index < count)
            {
                accepted[index] = ok;
            }

            reason ??= ok ? null : $"status {status}: {(result.TryGetProperty("result", out var problem) ? problem.GetRawText() : "no result")}";
        }

        var refused = Enumerable.Range(0, count).Where(index => !accepted[index]).ToList();
        return refused.Count == 0 ? BatchReceipt.AllAccepted : new BatchReceipt(refused, reason ?? "no result for an operation");
    }

    /// <summary>The editor of the <paramref name="request"/>th request of one kind: a new one every <see cref="RequestsPerEditor"/>.</summary>
    private AuthenticationHeaderValue Editor(string kind, long request) =>
        _editors.GetOrAdd($"{kind}-{request / RequestsPerEditor}", user => new AuthenticationHeaderValue("Bearer", editorToken(user)));
}
