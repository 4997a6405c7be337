using System.Data.Common;
using System.Net.Sockets;

namespace RealtimeSync.ServiceDefaults.Outages;

/// <summary>
/// Tells an exception that means "a dependency is away or did not answer in time" (the request may succeed
/// if retried later: a 503) from any other failure (a 500). Looks through wrapping exceptions, since client
/// libraries wrap the socket or timeout error that is the real cause.
/// </summary>
public static class DependencyOutage
{
    public static bool Is(Exception exception, OutageOptions options)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            // DbException.IsTransient: Npgsql sets it for a broken or refused connection, a timeout, and the
            // server's own "try again" states (shutting down, starting up, too many connections).
            if (current is TimeoutException or SocketException or DbException { IsTransient: true }
                || options.Recognisers.Any(recognise => recognise(current)))
            {
                return true;
            }
        }

        return false;
    }
}
