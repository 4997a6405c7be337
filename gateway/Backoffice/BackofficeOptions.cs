namespace RealtimeSync.Gateway.Backoffice;

/// <summary>Section <c>Backoffice</c>: where the built page is, and whether its demo sign-in is on (development only).</summary>
public sealed class BackofficeOptions
{
    /// <summary>The page's built folder (<c>clients/apps/backoffice/dist</c>); empty: no page.</summary>
    public string? Root { get; set; }

    /// <summary>Mint tokens for the demo users at <c>/api/demo/token</c>; the AppHost turns it on in run mode only.</summary>
    public bool DemoSignIn { get; set; }

    public TimeSpan DemoTokenLifetime { get; set; } = TimeSpan.FromHours(1);
}
