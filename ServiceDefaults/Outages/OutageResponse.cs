using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace RealtimeSync.ServiceDefaults.Outages;

/// <summary>
/// Answers a request that failed because a dependency is away, or that ran out of time, with 503 problem
/// details and <c>Retry-After</c>: the client learns it may retry, and when, instead of a generic 500.
/// </summary>
public sealed partial class OutageResponse(IOptions<OutageOptions> options, IProblemDetailsService problems, ILogger<OutageResponse> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (!DependencyOutage.Is(exception, options.Value))
        {
            return false;
        }

        LogOutage(exception, http.Request.Method, http.Request.Path);
        return await WriteAsync(http, options.Value, problems, "A service this one depends on (its database, Redis) is unavailable.");
    }

    /// <summary>Writes the 503; also the answer to a request cancelled by <see cref="OutageOptions.RequestTimeout"/>.</summary>
    public static async ValueTask<bool> WriteAsync(HttpContext http, OutageOptions options, IProblemDetailsService problems, string detail)
    {
        var retryAfter = Math.Max(1, (int)Math.Ceiling(options.RetryAfter.TotalSeconds));
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Service unavailable",
                Detail = $"{detail} Retry in {retryAfter} s.",
            },
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered 503: a dependency is unavailable")]
    private partial void LogOutage(Exception exception, string method, string path);
}
