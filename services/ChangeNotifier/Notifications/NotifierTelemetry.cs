using System.Diagnostics;
using System.Diagnostics.Metrics;
using RealtimeSync.Contracts;
using RealtimeSync.ServiceDefaults.Telemetry;

namespace RealtimeSync.ChangeNotifier.Notifications;

/// <summary>change-notifier's ActivitySource and Meter (<c>RealtimeSync.Notifier</c>).</summary>
internal static class NotifierTelemetry
{
    public static readonly ActivitySource Source = new(RealtimeSyncTelemetry.Notifier);

    public static readonly Meter Meter = new(RealtimeSyncTelemetry.Notifier);

    /// <summary>From the writer's commit to the message standing in the topic log: what a screen waits beyond the network.</summary>
    public static readonly Histogram<double> Lag = Meter.CreateHistogram<double>(
        "realtimesync.notifier.lag", "s", "Time from a change's commit to its push message being appended to the topic log");

    /// <summary>"notify {collection}", in the change's own trace (a batch carries many), tagged with the change.</summary>
    public static Activity? StartNotify(TracedChange traced)
    {
        ActivityContext.TryParse(traced.TraceParent, traced.TraceState, isRemote: true, out var parent);
        var change = traced.Change;
        var activity = Source.StartActivity($"notify {change.Collection}", ActivityKind.Consumer, parent);
        activity?.SetTag(ChangeTags.EventId, change.EventId.ToString());
        activity?.SetTag(ChangeTags.Collection, change.Collection);
        activity?.SetTag(ChangeTags.RecordId, change.RecordId);
        return activity;
    }
}
