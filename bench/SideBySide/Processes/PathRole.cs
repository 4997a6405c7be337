namespace RealtimeSync.Bench.SideBySide.Processes;

/// <summary>Where a server process sits on a system's path, which decides what it is counted in.</summary>
internal enum PathRole
{
    /// <summary>Holds or relays the subscribers' connections: counted in memory per connection and in fan-out CPU.</summary>
    Connections,

    /// <summary>Carries each message between instances (Redis): counted in fan-out CPU.</summary>
    Backplane,

    /// <summary>Turns a write into a message before fan-out (RealtimeSync's merge-api, RabbitMQ, change-notifier, PostgreSQL): whole-system CPU only.</summary>
    Writes,

    /// <summary>Runs beside the path (odoo-ingest, DCP's process monitors): shown, counted nowhere.</summary>
    Other,
}
