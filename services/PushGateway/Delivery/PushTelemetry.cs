using System.Diagnostics;
using System.Diagnostics.Metrics;
using RealtimeSync.Contracts;
using RealtimeSync.ServiceDefaults.Telemetry;

namespace RealtimeSync.PushGateway.Delivery;

/// <summary>push-gateway's ActivitySource and Meter (<c>RealtimeSync.Push</c>).</summary>
public static class PushTelemetry
{
    public static readonly ActivitySource Source = new(RealtimeSyncTelemetry.Push);

    public static readonly Meter Meter = new(RealtimeSyncTelemetry.Push);

    public static readonly Counter<long> Deliveries = Meter.CreateCounter<long>(
        "realtimesync.push.deliveries", "{message}", "Change messages queued to clients, live or replayed");

    public static readonly Counter<long> Replays = Meter.CreateCounter<long>(
        "realtimesync.push.replays", "{message}", "Change messages delivered from the topic log rather than live");

    public static readonly Counter<long> Resyncs = Meter.CreateCounter<long>(
        "realtimesync.push.resyncs", "{resync}", "Resync frames sent: a topic's history was gone or its epoch changed");

    public static readonly Counter<long> Overflows = Meter.CreateCounter<long>(
        "realtimesync.push.overflows", "{connection}", "Connections closed because their client fell a whole send queue behind");

    public static readonly Counter<long> RefusedConnections = Meter.CreateCounter<long>(
        "realtimesync.push.connection_cap.refusals", "{connection}", "Connections refused because their user held the per-user cap already");

    public static readonly Counter<long> UncheckedConnections = Meter.CreateCounter<long>(
        "realtimesync.push.connection_cap.unchecked", "{connection}", "Connections let in without the per-user cap because Redis did not answer in time");

    /// <summary>"deliver &lt;topic&gt;": this instance handing one live message to its subscribers, in the change's trace.</summary>
    public static Activity? StartDelivery(RoutedMessage message, int subscribers)
    {
        ActivityContext.TryParse(message.TraceParent, null, isRemote: true, out var parent);
        var activity = Source.StartActivity($"deliver {message.Topic}", ActivityKind.Consumer, parent);
        activity?.SetTag(ChangeTags.Topic, message.Topic);
        activity?.SetTag("realtimesync.push.offset", message.Offset);
        activity?.SetTag("realtimesync.push.subscribers", subscribers);
        return activity;
    }
}
