using System.Security.Claims;

namespace RealtimeSync.PushGateway.Access;

/// <summary>Who is on the other end of a connection or request: a user id and roles, from the token.</summary>
public sealed record Subscriber(string UserId, IReadOnlySet<string> Roles)
{
    public static Subscriber From(ClaimsPrincipal user) => new(
        user.FindFirstValue("sub") ?? throw new InvalidOperationException("An authenticated user without 'sub'."),
        user.FindAll("role").Select(claim => claim.Value).ToHashSet(StringComparer.Ordinal));

    public bool HasAnyRole(IEnumerable<string> roles) => roles.Any(Roles.Contains);

    /// <summary>This user's private topic: messages addressed to the user, delivered to every one of their connections.</summary>
    public string UserTopic => $"users/{UserId}";
}
