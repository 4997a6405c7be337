using System.Net;
using Polly.Timeout;

namespace RealtimeSync.OdooIngest.Odoo;

/// <summary>
/// One HTTP call to Odoo over the client from <see cref="OdooHttpClient"/> (whose pipeline times and retries each
/// attempt), and a clear <see cref="OdooApiException"/> for whatever went wrong.
/// </summary>
public sealed class OdooTransport(HttpClient http, OdooOptions options)
{
    public HttpClient Http { get; } = http;

    public OdooOptions Options { get; } = options;

    public Uri Url(string path) => new(new Uri(Options.Url!.TrimEnd('/') + "/"), path);

    /// <summary>Sends <paramref name="request"/>, judged by the protocol's <paramref name="classify"/>; maps failures to <see cref="OdooApiException"/>.</summary>
    public async Task<string> SendAsync(HttpRequestMessage request, Func<HttpStatusCode, string, OdooApiException?> classify, CancellationToken cancellationToken)
    {
        using (request)
        {
            var rule = new OdooAnswerRule(classify);
            request.Options.Set(OdooAnswerRule.Key, rule);
            try
            {
                // The pipeline times an attempt until the headers; the body is read under the same limit here, or an answer
                // that stalls half-way would hold the run until its own timeout.
                using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                var body = await ReadBodyAsync(response, cancellationToken);
                if (OdooAnswerRule.IsFailure(response.StatusCode))
                {
                    throw rule.Raised(response.StatusCode, body)
                        ?? new OdooApiException(OdooErrorKind.Transient, $"Odoo answered {(int)response.StatusCode} {response.ReasonPhrase}");
                }

                return rule.Classify(response.StatusCode, body) is { } error ? throw error : body;
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
    }

    private async Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        reading.CancelAfter(Options.Timeout);
        try
        {
            return await response.Content.ReadAsStringAsync(reading.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new OdooApiException(OdooErrorKind.Transient, $"Odoo's answer did not finish arriving within {Options.Timeout.TotalSeconds:0} s", inner: ex);
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
