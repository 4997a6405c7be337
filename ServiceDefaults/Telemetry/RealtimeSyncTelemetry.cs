using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace RealtimeSync.ServiceDefaults.Telemetry;

/// <summary>Our own ActivitySource and Meter, shared by every service so one name finds them all.</summary>
public static class RealtimeSyncTelemetry
{
    public const string Name = "RealtimeSync";

    public static readonly ActivitySource ActivitySource = new(Name);

    public static readonly Meter Meter = new(Name);
}
