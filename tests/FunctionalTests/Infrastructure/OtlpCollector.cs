using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace RealtimeSync.FunctionalTests.Infrastructure;

/// <summary>
/// A small OTLP/HTTP receiver in the test process (http/protobuf): it keeps every span the services export, so
/// a test can follow one change across them. Metrics and logs are accepted and dropped.
/// </summary>
public sealed class OtlpCollector : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<CollectedSpan> _spans;

    private OtlpCollector(WebApplication app, ConcurrentQueue<CollectedSpan> spans)
    {
        _app = app;
        _spans = spans;
        Endpoint = new Uri(app.Urls.Single());
    }

    /// <summary>The base address, for OTEL_EXPORTER_OTLP_ENDPOINT: exporters add <c>/v1/traces</c> and the like.</summary>
    public Uri Endpoint { get; }

    /// <summary>Every span received so far, in arrival order.</summary>
    public IReadOnlyList<CollectedSpan> Spans => [.. _spans];

    public static async Task<OtlpCollector> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var spans = new ConcurrentQueue<CollectedSpan>();
        app.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            foreach (var span in OtlpTraceReader.Read(body.GetBuffer().AsSpan(0, (int)body.Length)))
            {
                spans.Enqueue(span);
            }

            return Accepted();
        });
        app.MapPost("/v1/metrics", Accepted);
        app.MapPost("/v1/logs", Accepted);
        await app.StartAsync();

        return new OtlpCollector(app, spans);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>An empty Export*ServiceResponse: full success.</summary>
    private static IResult Accepted() => Results.Bytes([], "application/x-protobuf");
}
