using System.Security.Claims;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace RealtimeSync.ServiceDefaults.Auth;

/// <summary>Mints development tokens with the shared HS256 key (the CLI's <c>token</c> command, and tests).</summary>
public static class DevTokens
{
    public static string Create(string signingKey, string user, IEnumerable<string> roles, TimeSpan? lifetime = null, AuthOptions? options = null)
    {
        options ??= new AuthOptions();
        var claims = new List<Claim> { new("sub", user), new("name", user) };
        claims.AddRange(roles.Select(role => new Claim("role", role)));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = options.Issuer,
            Audience = options.Audience,
            Expires = DateTime.UtcNow + (lifetime ?? TimeSpan.FromHours(8)),
            SigningCredentials = new SigningCredentials(AuthExtensions.SigningKey(signingKey), SecurityAlgorithms.HmacSha256),
        });
    }
}
