using Microsoft.Extensions.Configuration;

namespace RealtimeSync.ServiceDefaults.Clients;

internal static class ConnectionStrings
{
    /// <summary>Reads <c>ConnectionStrings__{name}</c> (Aspire's contract) or fails at start with what is missing.</summary>
    public static string Required(IConfiguration configuration, string name) =>
        configuration.GetConnectionString(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"Connection string '{name}' is missing: set ConnectionStrings__{name} (AppHost does this for every WithReference).");
}
