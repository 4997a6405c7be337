using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using RealtimeSync.Gateway.RateLimiting;

namespace RealtimeSync.UnitTests.Gateway;

/// <summary>The gateway reads a token only where it rate-limits: a WebSocket or event stream holds no principal there.</summary>
public sealed class RateLimitedTokensTests
{
    [Theory]
    [InlineData("/api/records/settings/main", true)]
    [InlineData("/ws", false)]
    [InlineData("/api-reference", false)]
    public async Task The_token_is_read_only_on_the_rate_limited_paths(string path, bool read)
    {
        var reads = 0;
        var options = new JwtBearerOptions { Events = new JwtBearerEvents { OnMessageReceived = _ => { reads++; return Task.CompletedTask; } } };
        new RateLimitedTokens(Options.Create(new RateLimitOptions())).PostConfigure(JwtBearerDefaults.AuthenticationScheme, options);
        var http = new DefaultHttpContext { Request = { Path = path } };
        var context = new MessageReceivedContext(http, new AuthenticationScheme(JwtBearerDefaults.AuthenticationScheme, null, typeof(JwtBearerHandler)), options);

        await options.Events.OnMessageReceived(context);

        Assert.Equal(read ? 1 : 0, reads);
        Assert.Equal(!read, context.Result is { None: true });
    }
}
