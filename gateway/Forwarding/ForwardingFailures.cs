using Yarp.ReverseProxy.Forwarder;

namespace RealtimeSync.Gateway.Forwarding;

/// <summary>
/// Logs what the gateway could not forward, by whose doing. A client that went away (a closed tab, a phone losing its
/// network, a reset socket) is ordinary for a long-lived WebSocket or stream, so it is logged at Debug; a service that
/// failed or did not answer is a Warning. YARP's own forwarder log says every one of them as a warning with a stack
/// trace, so appsettings.json turns that category down to errors and this speaks for it.
/// </summary>
public static partial class ForwardingFailures
{
    public static async Task LogAsync(HttpContext context, Func<Task> next)
    {
        await next();
        if (context.Features.Get<IForwarderErrorFeature>() is not { Error: not ForwarderError.None } failure)
        {
            return;
        }

        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ForwardingFailures));
        if (ByClient(failure.Error))
        {
            LogClientLeft(logger, context.Request.Path, failure.Error, failure.Exception?.Message);
        }
        else
        {
            LogServiceFailed(logger, failure.Exception, context.Request.Path, failure.Error);
        }
    }

    /// <summary>The client's side ended the exchange: it cancelled, closed or reset its connection.</summary>
    public static bool ByClient(ForwarderError error) => error is ForwarderError.RequestCanceled
        or ForwarderError.RequestBodyCanceled or ForwarderError.RequestBodyClient
        or ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyClient
        or ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeRequestClient
        or ForwarderError.UpgradeResponseCanceled or ForwarderError.UpgradeResponseClient;

    [LoggerMessage(Level = LogLevel.Debug, Message = "The client left {Path} while it was forwarded ({Error}: {Reason})")]
    private static partial void LogClientLeft(ILogger logger, string path, ForwarderError error, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forwarding {Path} failed on the service's side ({Error})")]
    private static partial void LogServiceFailed(ILogger logger, Exception? exception, string path, ForwarderError error);
}
