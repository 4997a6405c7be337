using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace RealtimeSync.PushGateway.Access;

/// <summary>
/// Validates a token a connected client sends to stay connected (the <c>auth</c> command), with exactly the
/// rules of the HTTP sign-in: the JwtBearer scheme's own validation parameters and, with an identity
/// provider, its signing keys.
/// </summary>
public sealed class TokenValidator(IOptionsMonitor<JwtBearerOptions> schemes)
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    /// <summary>The token's user, or null (with why) when it would not sign in over HTTP either.</summary>
    public async Task<(ClaimsPrincipal? User, string? Error)> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        var options = schemes.Get(JwtBearerDefaults.AuthenticationScheme);
        var parameters = options.TokenValidationParameters.Clone();
        if (options.ConfigurationManager is { } provider)
        {
            parameters.IssuerSigningKeys = (await provider.GetConfigurationAsync(cancellationToken)).SigningKeys;
        }

        var result = await _handler.ValidateTokenAsync(token, parameters);
        return result.IsValid
            ? (new ClaimsPrincipal(result.ClaimsIdentity), null)
            : (null, result.Exception?.Message ?? "the token is not valid");
    }
}
