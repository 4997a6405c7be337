using System.Net;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace RealtimeSync.OdooIngest.Odoo;

/// <summary>
/// One HTTP call to Odoo with the resilience every call gets: a timeout per attempt (30 s by default),
/// retries with exponential backoff and jitter for transient failures only, and a clear error otherwise.
/// </summary>
public sealed class OdooTransport
{
    private readonly ResiliencePipeline _pipeline;

    public OdooTransport(HttpClient http, OdooOptions options)
    {
        Http = http;
        Options = options;
        _pipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder()
                    .Handle<OdooApiException>(error => error.Kind == OdooErrorKind.Transient)
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>(),
                MaxRetryAttempts = Math.Max(0, options.MaxAttempts - 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(500),
                MaxDelay = TimeSpan.FromSeconds(10),
            })
            .AddTimeout(options.Timeout)
            .Build();
    }

    public HttpClient Http { get; }

    public OdooOptions Options { get; }

    public Uri Url(string path) => new(new Uri(Options.Url!.TrimEnd('/') + "/"), path);

    /// <summary>Sends a request built per attempt; maps failures to <see cref="OdooApiException"/>.</summary>
    public async Task<string> SendAsync(Func<HttpRequestMessage> request, Func<HttpStatusCode, string, OdooApiException?> classify, CancellationToken cancellationToken)
    {
        try
        {
            return await _pipeline.ExecuteAsync(async token =>
            {
                using var message = request();
                using var response = await Http.SendAsync(message, token);
                var body = await response.Content.ReadAsStringAsync(token);
                if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    // A 500 carrying Odoo's own error document means Odoo ran the call and it raised: a retry repeats
                    // the traceback. Anything else (a proxy's page, 502-504, 429) is worth another attempt.
                    throw (response.StatusCode == HttpStatusCode.InternalServerError ? OdooRaised(classify, response.StatusCode, body) : null)
                        ?? new OdooApiException(OdooErrorKind.Transient, $"Odoo answered {(int)response.StatusCode} {response.ReasonPhrase}");
                }

                if (classify(response.StatusCode, body) is { } error)
                {
                    throw error;
                }

                return body;
            }, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new OdooApiException(OdooErrorKind.Transient, $"Odoo is unreachable at {Options.Url}: {ex.Message}", inner: ex);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new OdooApiException(OdooErrorKind.Transient, $"Odoo did not answer within {Options.Timeout.TotalSeconds:0} s", inner: ex);
        }
    }

    private static OdooApiException? OdooRaised(Func<HttpStatusCode, string, OdooApiException?> classify, HttpStatusCode status, string body)
    {
        try
        {
            return classify(status, body) is { Kind: OdooErrorKind.Fault } raised ? raised : null;
        }
        catch (OdooApiException)
        {
            return null; // not Odoo's error document
        }
    }

    /// <summary>Parses an answer; one that is not what the protocol promises (an HTML page from a proxy, say) is a fault, not a crash.</summary>
    public static T Parse<T>(string body, Func<string, T> parse)
    {
        try
        {
            return parse(body);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or System.Xml.XmlException or FormatException or InvalidCastException or InvalidOperationException or NullReferenceException)
        {
            throw new OdooApiException(OdooErrorKind.Fault, $"Odoo's answer is not what the protocol promises ({ex.GetType().Name}): {body[..Math.Min(body.Length, 200)]}", inner: ex);
        }
    }
}
