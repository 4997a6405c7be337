using Microsoft.Extensions.Options;
using RealtimeSync.ServiceDefaults.Auth;

namespace RealtimeSync.Gateway.Backoffice;

/// <summary>
/// <c>GET /api/demo/token?user=</c>: a development token for one of the demo users, so the backoffice page can sign in
/// without an identity provider. Only where the AppHost turned it on (run mode, with its generated HS256 key); a real
/// deployment signs users in with its identity provider and never maps this.
/// </summary>
public static class DemoSignIn
{
    /// <summary>The demo users and their roles: two editors to see each other's edits, a viewer, an admin.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Users = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["alice"] = [Roles.Editor],
        ["bob"] = [Roles.Editor],
        ["carol"] = [Roles.Viewer],
        ["dana"] = [Roles.Admin],
    };

    public static WebApplication MapDemoSignIn(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<BackofficeOptions>>().Value;
        var auth = app.Configuration.GetSection("Auth").Get<AuthOptions>() ?? new AuthOptions();
        if (!options.DemoSignIn || string.IsNullOrEmpty(auth.SigningKey))
        {
            return app;
        }

        app.MapGet("/api/demo/users", () => Results.Ok(new { users = Users.Select(user => new { id = user.Key, roles = user.Value }) })).AllowAnonymous();
        app.MapGet("/api/demo/token", (string? user) =>
        {
            if (user is null || !Users.TryGetValue(user, out var roles))
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown demo user", detail: $"'user' is one of {string.Join(", ", Users.Keys)}.");
            }

            var expiresAt = DateTimeOffset.UtcNow + options.DemoTokenLifetime;
            return Results.Ok(new { token = DevTokens.Create(auth.SigningKey, user, roles, options.DemoTokenLifetime, auth), user, roles, expiresAt = expiresAt.ToUnixTimeMilliseconds() });
        }).AllowAnonymous();
        return app;
    }
}
