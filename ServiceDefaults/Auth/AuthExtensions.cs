using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using RealtimeSync.ServiceDefaults.Auth;

namespace Microsoft.Extensions.Hosting;

public static class AuthExtensions
{
    /// <summary>Paths where browsers cannot send an Authorization header (WebSocket, EventSource): the token may come as <c>?access_token=</c>.</summary>
    private static readonly string[] QueryTokenPaths = ["/ws", "/api/sync/stream"];

    /// <summary>JWT bearer authentication and the shared policies. Refusals become 401/403 problem details (status code pages).</summary>
    public static IHostApplicationBuilder AddDefaultAuthentication(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Auth").Get<AuthOptions>() ?? new AuthOptions();
        builder.Services.AddSingleton(options);
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            jwt.MapInboundClaims = false;
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = options.Issuer,
                ValidAudience = options.Audience,
                NameClaimType = "sub",
                RoleClaimType = "role",
                ClockSkew = TimeSpan.FromSeconds(30),
            };
            if (!string.IsNullOrWhiteSpace(options.Authority))
            {
                jwt.Authority = options.Authority;
            }
            else if (!string.IsNullOrWhiteSpace(options.SigningKey))
            {
                jwt.TokenValidationParameters.IssuerSigningKey = SigningKey(options.SigningKey);
            }
            else
            {
                throw new InvalidOperationException("Set Auth__SigningKey (development, HS256) or Auth__Authority (production, JWKS).");
            }

            jwt.Events = new JwtBearerEvents
            {
                OnMessageReceived = context =>
                {
                    if (IsQueryTokenPath(context.Request.Path) && context.Request.Query["access_token"] is [{ Length: > 0 } token])
                    {
                        context.Token = token;
                    }

                    return Task.CompletedTask;
                },
                // Every service keys what it does (actor, own topic, rate limit) on the user: a token that names none is refused.
                OnTokenValidated = context =>
                {
                    if (string.IsNullOrWhiteSpace(context.Principal?.Identity?.Name) || context.Principal.Identity.Name.Any(char.IsControl))
                    {
                        context.Fail("The token has no usable 'sub' (subject) claim.");
                    }
                    else if (IsQueryTokenPath(context.Request.Path) && context.Principal.Identity is ClaimsIdentity identity)
                    {
                        // A WebSocket or SSE request lasts as long as its connection, and so does its authentication result: keep
                        // the claims, not the validated token with its parsed header and payload (a few KB per connection). Claim
                        // types stay case-sensitive, as the token handler's identity reads them.
                        context.Principal = new ClaimsPrincipal(new CaseSensitiveClaimsIdentity(
                            identity.Claims.Select(claim => new Claim(claim.Type, claim.Value, claim.ValueType, claim.Issuer)),
                            identity.AuthenticationType, identity.NameClaimType, identity.RoleClaimType));
                    }

                    return Task.CompletedTask;
                },
            };
        });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Reader, policy => policy.RequireAuthenticatedUser())
            .AddPolicy(Policies.Writer, policy => policy.RequireRole(Roles.Editor, Roles.Admin))
            .AddPolicy(Policies.Admin, policy => policy.RequireRole(Roles.Admin));
        return builder;
    }

    private static bool IsQueryTokenPath(PathString path) => QueryTokenPaths.Any(prefix => path.StartsWithSegments(prefix));

    /// <summary>The HS256 key: at least 32 bytes of UTF-8 (a generated password is).</summary>
    public static SymmetricSecurityKey SigningKey(string key)
    {
        var bytes = Encoding.UTF8.GetBytes(key);
        return bytes.Length >= 32
            ? new SymmetricSecurityKey(bytes)
            : throw new InvalidOperationException("Auth:SigningKey must be at least 32 bytes.");
    }
}
