using System.Diagnostics;
using System.Text;

namespace RealtimeSync.Bench.SideBySide.Load;

/// <summary>
/// The peers' <c>POST /publish</c>, and <c>POST /publish-batch</c> (one message per line, published in order), to their
/// instances in turn (the backplane takes each message to both).
/// </summary>
internal sealed class PeerPublisher(IReadOnlyList<int> ports) : IPublisher
{
    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(30) };
    private long _batches;

    public async Task PublishAsync(long sequence, CancellationToken cancellationToken)
    {
        var uri = new Uri($"http://127.0.0.1:{ports[(int)(sequence % ports.Count)]}/publish");
        using var body = new StringContent(MessageText.Format(sequence, Stopwatch.GetTimestamp()), Encoding.UTF8, "text/plain");
        using var response = await _client.PostAsync(uri, body, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public async Task<BatchReceipt> PublishBatchAsync(long first, int count, CancellationToken cancellationToken)
    {
        // By request, not by sequence: batches of an even size starting at even numbers would all go to one instance.
        var uri = new Uri($"http://127.0.0.1:{ports[(int)(Interlocked.Increment(ref _batches) % ports.Count)]}/publish-batch");
        var sentAt = Stopwatch.GetTimestamp();
        var lines = string.Join('\n', Enumerable.Range(0, count).Select(i => MessageText.Format(first + i, sentAt)));
        using var body = new StringContent(lines, Encoding.UTF8, "text/plain");
        using var response = await _client.PostAsync(uri, body, cancellationToken);
        response.EnsureSuccessStatusCode();
        return BatchReceipt.AllAccepted; // a peer takes a batch whole or not at all
    }

    public void Dispose() => _client.Dispose();
}
