using System.Net;

namespace RealtimeSync.OdooIngest.Odoo;

/// <summary>
/// How one protocol judges Odoo's answers, carried on each request so that the resilience handler and the
/// transport agree on what an outage is (worth another attempt) and what Odoo raising is (final: a retry
/// repeats the traceback).
/// </summary>
public sealed class OdooAnswerRule(Func<HttpStatusCode, string, OdooApiException?> classify)
{
    public static readonly HttpRequestOptionsKey<OdooAnswerRule> Key = new("RealtimeSync.OdooAnswerRule");

    /// <summary>The protocol's error for an answer that is not a success, or null.</summary>
    public OdooApiException? Classify(HttpStatusCode status, string body) => classify(status, body);

    public static bool IsFailure(HttpStatusCode status) => (int)status >= 500 || status == HttpStatusCode.TooManyRequests;

    /// <summary>
    /// A 500 carrying Odoo's own error document: Odoo ran the call and it raised. Anything else that
    /// <see cref="IsFailure"/> (a proxy's page, 502-504, 429) is an outage.
    /// </summary>
    public OdooApiException? Raised(HttpStatusCode status, string body)
    {
        if (status != HttpStatusCode.InternalServerError)
        {
            return null;
        }

        try
        {
            return classify(status, body) is { Kind: OdooErrorKind.Fault } raised ? raised : null;
        }
        catch (OdooApiException)
        {
            return null; // not Odoo's error document
        }
    }
}
