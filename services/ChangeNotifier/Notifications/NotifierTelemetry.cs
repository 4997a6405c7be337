using System.Diagnostics.Metrics;
using RealtimeSync.ServiceDefaults.Telemetry;

namespace RealtimeSync.ChangeNotifier.Notifications;

/// <summary>change-notifier's Meter (<c>RealtimeSync.Notifier</c>); its spans are MassTransit's consume spans, tagged with the change.</summary>
internal static class NotifierTelemetry
{
    public static readonly Meter Meter = new(RealtimeSyncTelemetry.Notifier);

    /// <summary>From the writer's commit to the message standing in the topic log: what a screen waits beyond the network.</summary>
    public static readonly Histogram<double> Lag = Meter.CreateHistogram<double>(
        "realtimesync.notifier.lag", "s", "Time from a change's commit to its push message being appended to the topic log");
}
