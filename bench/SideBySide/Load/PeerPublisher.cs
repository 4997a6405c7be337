using System.Diagnostics;
using System.Text;

namespace RealtimeSync.Bench.SideBySide.Load;

/// <summary>The peers' <c>POST /publish</c>, to their instances in turn (the backplane takes each message to both).</summary>
internal sealed class PeerPublisher(IReadOnlyList<int> ports) : IPublisher
{
    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(30) };

    public async Task PublishAsync(long sequence, CancellationToken cancellationToken)
    {
        var uri = new Uri($"http://127.0.0.1:{ports[(int)(sequence % ports.Count)]}/publish");
        using var body = new StringContent(MessageText.Format(sequence, Stopwatch.GetTimestamp()), Encoding.UTF8, "text/plain");
        using var response = await _client.PostAsync(uri, body, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public void Dispose() => _client.Dispose();
}
