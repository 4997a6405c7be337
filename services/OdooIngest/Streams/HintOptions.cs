namespace RealtimeSync.OdooIngest.Streams;

/// <summary>Odoo's webhook hints (section <c>Hints</c>): off until a secret is set.</summary>
public sealed class HintOptions
{
    /// <summary>The shared secret Odoo's webhook URL carries (<c>?secret=</c>); Odoo's webhook action cannot set headers.</summary>
    public string? Secret { get; set; }
}
