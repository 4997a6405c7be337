namespace RealtimeSync.OdooIngest.Odoo;

/// <summary>How to reach one Odoo (section <c>Odoo</c>). XML-RPC authenticates with login and password (or an API key
/// as password); JSON-2 (Odoo 19+) with the API key as a bearer token.</summary>
public sealed class OdooOptions
{
    public string? Url { get; set; }

    public string Database { get; set; } = "odoo";

    public string Login { get; set; } = "admin";

    public string? Password { get; set; }

    public string? ApiKey { get; set; }

    /// <summary><c>auto</c> (JSON-2 when the server is 19+ and an API key is set), <c>xmlrpc</c> or <c>json2</c>.</summary>
    public string Protocol { get; set; } = "auto";

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public int MaxAttempts { get; set; } = 5;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Url);
}
