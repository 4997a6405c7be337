using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace RealtimeSync.Gateway.RateLimiting;

/// <summary>
/// The gateway reads a token only to know whom to rate-limit, so only on the rate-limited paths: elsewhere (a
/// WebSocket, an event stream) it is not validated, and no principal is held for the connection's whole life.
/// The service behind authenticates every request itself.
/// </summary>
public sealed class RateLimitedTokens(IOptions<RateLimitOptions> rateLimit) : IPostConfigureOptions<JwtBearerOptions>
{
    public void PostConfigure(string? name, JwtBearerOptions options)
    {
        var read = options.Events.OnMessageReceived;
        options.Events.OnMessageReceived = context =>
        {
            if (!context.Request.Path.StartsWithSegments(rateLimit.Value.PathPrefix))
            {
                context.NoResult();
                return Task.CompletedTask;
            }

            return read(context);
        };
    }
}
