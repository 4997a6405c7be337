namespace RealtimeSync.ServiceDefaults.Telemetry;

/// <summary>
/// The names of our own ActivitySources and Meters, one per concern (a source and a meter share the name).
/// The service defaults export every one of them; each concern creates its own under its name.
/// </summary>
public static class RealtimeSyncTelemetry
{
    public const string Name = "RealtimeSync";

    /// <summary>The transactional outbox: publishing rows, backlog.</summary>
    public const string Outbox = Name + ".Outbox";

    /// <summary>change-notifier: turning committed changes into push messages.</summary>
    public const string Notifier = Name + ".Notifier";

    /// <summary>push-gateway: delivery to connected clients.</summary>
    public const string Push = Name + ".Push";

    /// <summary>odoo-ingest: sync runs.</summary>
    public const string Sync = Name + ".Sync";

    /// <summary>The gateway: rate limiting.</summary>
    public const string Gateway = Name + ".Gateway";

    public static readonly string[] All = [Outbox, Notifier, Push, Sync, Gateway];
}
