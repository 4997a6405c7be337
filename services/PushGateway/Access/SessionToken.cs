using System.Globalization;
using System.Security.Claims;
using RealtimeSync.PushGateway.Delivery;

namespace RealtimeSync.PushGateway.Access;

/// <summary>
/// A connection lives no longer than its token: at the token's <c>exp</c> the server ends it
/// (<see cref="EndReason.TokenExpired"/>, WebSocket close 4001), unless the client sent a fresh token
/// of the same user in time, which moves the end to that token's expiry.
/// </summary>
public sealed class SessionToken(string userId, DateTimeOffset? expiresAt, TimeProvider clock)
{
    private long _expiresAtTicks = expiresAt?.UtcTicks ?? long.MaxValue;

    public DateTimeOffset? ExpiresAt => Volatile.Read(ref _expiresAtTicks) is var ticks && ticks == long.MaxValue ? null : new DateTimeOffset(ticks, TimeSpan.Zero);

    public static SessionToken Of(ClaimsPrincipal user, TimeProvider clock) => new(user.FindFirstValue("sub") ?? string.Empty, Expiry(user), clock);

    /// <summary>The token's <c>exp</c> claim (Unix seconds), or null for a token without one.</summary>
    public static DateTimeOffset? Expiry(ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue("exp"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;

    /// <summary>Takes a fresh token's user: null when accepted, else why not (another user, or it expires no later).</summary>
    public string? Renew(ClaimsPrincipal user)
    {
        if (user.FindFirstValue("sub") != userId)
        {
            return "the token is for another user";
        }

        if (Expiry(user) is not { } expiry || expiry <= (ExpiresAt ?? DateTimeOffset.MaxValue))
        {
            return "the token does not expire later than the current one";
        }

        Volatile.Write(ref _expiresAtTicks, expiry.UtcTicks);
        return null;
    }

    /// <summary>Ends <paramref name="connection"/> when the (possibly renewed) token expires.</summary>
    public async Task EnforceAsync(ClientConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            while (ExpiresAt is { } expiry)
            {
                var left = expiry - clock.GetUtcNow();
                if (left <= TimeSpan.Zero)
                {
                    connection.End(EndReason.TokenExpired);
                    return;
                }

                await Task.Delay(left < TimeSpan.FromMinutes(1) ? left : TimeSpan.FromMinutes(1), clock, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
