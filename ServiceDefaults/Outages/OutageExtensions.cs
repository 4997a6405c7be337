using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RealtimeSync.ServiceDefaults.Outages;

namespace Microsoft.Extensions.Hosting;

public static class OutageExtensions
{
    /// <summary>
    /// Bounds every request (<see cref="OutageOptions.RequestTimeout"/>) and answers it 503 with Retry-After
    /// when a dependency is away or frozen, so a client neither hangs nor sees a 500 for an outage.
    /// </summary>
    public static TBuilder AddOutageResponses<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.Configure<OutageOptions>(builder.Configuration.GetSection("Outages"));
        builder.Services.AddExceptionHandler<OutageResponse>();
        builder.Services.AddRequestTimeouts();
        builder.Services.AddOptions<RequestTimeoutOptions>().Configure<IOptions<OutageOptions>>((timeouts, outages) =>
            timeouts.DefaultPolicy = new RequestTimeoutPolicy
            {
                Timeout = outages.Value.RequestTimeout,
                TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable,
                WriteTimeoutResponse = http => WriteTimedOutAsync(http, outages.Value),
            });
        return builder;
    }

    /// <summary>Recognises <typeparamref name="TException"/> as a dependency's outage (a 503, not a 500).</summary>
    public static IHostApplicationBuilder AddOutageException<TException>(this IHostApplicationBuilder builder) where TException : Exception
    {
        builder.Services.Configure<OutageOptions>(options => options.Recognisers.Add(exception => exception is TException));
        return builder;
    }

    private static async Task WriteTimedOutAsync(HttpContext http, OutageOptions options)
    {
        http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OutageResponse))
            .LogWarning("{Method} {Path} answered 503: not done within {Timeout}", http.Request.Method, http.Request.Path, options.RequestTimeout);
        await OutageResponse.WriteAsync(http, options, http.RequestServices.GetRequiredService<IProblemDetailsService>(),
            $"The request did not complete within {options.RequestTimeout.TotalSeconds:0.#} s (a dependency is slow or unavailable).");
    }
}
