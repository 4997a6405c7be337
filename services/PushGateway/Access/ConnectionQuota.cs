using Microsoft.Extensions.Options;
using RealtimeSync.PushGateway.Delivery;
using StackExchange.Redis;

namespace RealtimeSync.PushGateway.Access;

/// <summary>
/// The per-user cap on concurrent push connections (<see cref="PushGatewayOptions.MaxConnectionsPerUser"/>, WebSocket and
/// event streams together), counted across every replica. When the count does not answer within <see cref="AnswerTimeout"/>
/// the connection is let in: an outage of the limiter must not become an outage of push.
/// </summary>
public sealed partial class ConnectionQuota(IConnectionCounts counts, ConnectionLeases leases, IOptions<PushGatewayOptions> options, ILogger<ConnectionQuota> logger)
{
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(1);

    public int Cap => options.Value.MaxConnectionsPerUser;

    /// <summary>A lease to hold for the connection's life, or null when the user already holds <see cref="Cap"/> connections.</summary>
    public async Task<ConnectionLease?> AdmitAsync(string userId, string connectionId, string transport)
    {
        var lease = options.Value.ConnectionLease;
        bool admitted;
        try
        {
            admitted = await counts.TryAddAsync(userId, connectionId, Cap, lease).WaitAsync(AnswerTimeout);
        }
        catch (Exception ex) when (IsUnanswered(ex))
        {
            LogUnchecked(ex, userId);
            PushTelemetry.UncheckedConnections.Add(1, new KeyValuePair<string, object?>("realtimesync.push.transport", transport));
            admitted = true; // not counted now; the first renewal counts it once the limiter answers again
        }

        if (!admitted)
        {
            PushTelemetry.RefusedConnections.Add(1, new KeyValuePair<string, object?>("realtimesync.push.transport", transport));
            return null;
        }

        return leases.Hold(userId, connectionId);
    }

    private static bool IsUnanswered(Exception ex) => ex is RedisException or TimeoutException;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection cap unavailable (Redis); letting a connection of {UserId} in uncounted")]
    private partial void LogUnchecked(Exception exception, string userId);
}
