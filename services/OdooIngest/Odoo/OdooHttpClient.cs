using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace RealtimeSync.OdooIngest.Odoo;

/// <summary>
/// The HttpClient every Odoo call goes through, with the resilience every call gets in its pipeline
/// (Microsoft.Extensions.Http.Resilience): a timeout per attempt until the answer's headers (<c>Odoo:Timeout</c>, 30 s;
/// <see cref="OdooTransport"/> reads the body under the same limit) and retries with
/// exponential backoff and jitter (<c>Odoo:MaxAttempts</c>) for transient failures only: no connection, a timed-out
/// attempt, or a 5xx/429 that is not Odoo's own error document (<see cref="OdooAnswerRule"/>).
/// </summary>
public static class OdooHttpClient
{
    public const string Name = "odoo";

    public static IHttpClientBuilder AddOdooHttpClient(this IServiceCollection services)
    {
        var client = services.AddHttpClient(Name, http => http.Timeout = Timeout.InfiniteTimeSpan); // the pipeline times each attempt
        client.AddResilienceHandler(Name, (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<OdooOptions>>().Value;
            if (options.MaxAttempts > 1)
            {
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    ShouldHandle = ShouldRetryAsync,
                    MaxRetryAttempts = options.MaxAttempts - 1,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = TimeSpan.FromMilliseconds(500),
                    MaxDelay = TimeSpan.FromSeconds(10),
                    ShouldRetryAfterHeader = false,
                });
            }

            pipeline.AddTimeout(options.Timeout);
        });
        return client;
    }

    private static async ValueTask<bool> ShouldRetryAsync(RetryPredicateArguments<HttpResponseMessage> arguments)
    {
        switch (arguments.Outcome)
        {
            case { Exception: HttpRequestException or TimeoutRejectedException }:
                return true;
            case { Result: { } response } when OdooAnswerRule.IsFailure(response.StatusCode):
                if (response.RequestMessage?.Options.TryGetValue(OdooAnswerRule.Key, out var rule) is not true)
                {
                    return true;
                }

                // Buffered, so the transport reads the same body again once the pipeline hands the answer back.
                await response.Content.LoadIntoBufferAsync(arguments.Context.CancellationToken);
                return rule.Raised(response.StatusCode, await response.Content.ReadAsStringAsync(arguments.Context.CancellationToken)) is null;
            default:
                return false;
        }
    }
}
