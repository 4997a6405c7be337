using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace RealtimeSync.FunctionalTests.Infrastructure;

/// <summary>An EventSource as a browser runs it: GET /api/sync/stream, read events, remember the last event id.</summary>
public sealed class SseClient : IAsyncDisposable
{
    private readonly Channel<(string? Id, string Event, JsonObject Data)> _events = Channel.CreateUnbounded<(string?, string, JsonObject)>();
    private readonly CancellationTokenSource _closing = new();
    private readonly HttpClient _http;
    private Task _reading = Task.CompletedTask;

    private SseClient(HttpClient http) => _http = http;

    public static async Task<SseClient> ConnectAsync(HttpClient http, string topics, string? lastEventId = null)
    {
        var client = new SseClient(http);
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/sync/stream?topics={Uri.EscapeDataString(topics)}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, client._closing.Token);
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        client._reading = client.ReadAsync(response);
        await client.NextAsync("subscribed", TimeSpan.FromSeconds(10));
        return client;
    }

    /// <summary>The next <paramref name="count"/> change messages with their event ids.</summary>
    public async Task<List<(string Id, JsonObject Message)>> MessagesAsync(int count, TimeSpan timeout)
    {
        var messages = new List<(string, JsonObject)>();
        while (messages.Count < count)
        {
            var (id, data) = await NextAsync("message", timeout);
            messages.Add((id!, data));
        }

        return messages;
    }

    public async Task<(string? Id, JsonObject Data)> NextAsync(string eventName, TimeSpan timeout)
    {
        using var wait = new CancellationTokenSource(timeout);
        while (true)
        {
            var (id, name, data) = await _events.Reader.ReadAsync(wait.Token);
            if (name == eventName)
            {
                return (id, data);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        await _reading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _http.Dispose();
    }

    private async Task ReadAsync(HttpResponseMessage response)
    {
        using var _ = response;
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(_closing.Token));
        string? id = null;
        string name = "message";
        string? data = null;
        while (await reader.ReadLineAsync(_closing.Token) is { } line)
        {
            if (line.Length == 0)
            {
                if (data is not null)
                {
                    _events.Writer.TryWrite((id, name, JsonNode.Parse(data)!.AsObject()));
                }

                (id, name, data) = (null, "message", null);
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line[4..];
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line[6..];
            }
        }
    }
}
