using System.Text.Json.Nodes;

namespace RealtimeSync.OdooIngest.Odoo;

/// <summary>What the sync needs from Odoo, whatever the protocol. Values come as Odoo sends them (many2one as [id, name], empty as false).</summary>
public interface IOdooApi
{
    string Protocol { get; }

    Task<JsonArray> SearchReadAsync(string model, JsonArray domain, IReadOnlyList<string> fields, int limit, string order, CancellationToken cancellationToken);

    Task<IReadOnlyList<int>> SearchAsync(string model, JsonArray domain, int limit, string order, CancellationToken cancellationToken);

    Task<JsonArray> ReadAsync(string model, IReadOnlyList<int> ids, IReadOnlyList<string> fields, CancellationToken cancellationToken);

    Task<string?> DatabaseUuidAsync(CancellationToken cancellationToken);
}

public enum OdooErrorKind
{
    /// <summary>Worth retrying: timeouts, connection failures, 5xx, 429.</summary>
    Transient,

    /// <summary>Retrying will not help until someone fixes the configuration.</summary>
    Credentials,

    /// <summary>Odoo refused the call (fault 1 server error, 2 user/validation/missing, 3 access denied, 4 access error).</summary>
    Fault,
}

public sealed class OdooApiException(OdooErrorKind kind, string message, int? faultCode = null, Exception? inner = null) : Exception(message, inner)
{
    public OdooErrorKind Kind { get; } = kind;

    public int? FaultCode { get; } = faultCode;
}

/// <summary>Every call asks for archived records too: archiving in Odoo is an update the sync must see.</summary>
public static class OdooContext
{
    public static JsonObject WithArchived() => new() { ["active_test"] = false };
}
