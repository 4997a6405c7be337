namespace RealtimeSync.ServiceDefaults.Auth;

/// <summary>
/// How tokens are checked (section <c>Auth</c>). Development: a shared HS256 <see cref="SigningKey"/>
/// (the AppHost generates one and ./run prints it). Production: an OpenID <see cref="Authority"/> whose
/// JWKS signs the tokens; then no key is configured here.
/// </summary>
public sealed class AuthOptions
{
    public string? SigningKey { get; set; }

    public string? Authority { get; set; }

    public string Issuer { get; set; } = "realtimesync";

    public string Audience { get; set; } = "realtimesync";
}

/// <summary>The roles the system knows. A user's roles come from the token's <c>role</c> claims.</summary>
public static class Roles
{
    public const string Viewer = "viewer";
    public const string Editor = "editor";
    public const string Admin = "admin";
}

/// <summary>Authorization policies shared by every service.</summary>
public static class Policies
{
    /// <summary>Any authenticated user.</summary>
    public const string Reader = "reader";

    /// <summary>May write business data: editor or admin.</summary>
    public const string Writer = "writer";

    public const string Admin = "admin";
}
