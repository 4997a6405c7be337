using System.Diagnostics;
using System.Diagnostics.Metrics;
using RealtimeSync.Contracts;
using RealtimeSync.ServiceDefaults.Telemetry;

namespace RealtimeSync.Outbox;

/// <summary>The outbox's ActivitySource and Meter (<c>RealtimeSync.Outbox</c>).</summary>
public static class OutboxTelemetry
{
    public static readonly ActivitySource Source = new(RealtimeSyncTelemetry.Outbox);

    public static readonly Meter Meter = new(RealtimeSyncTelemetry.Outbox);

    /// <summary>"outbox publish", a child of the trace the change was committed in (a root when the row has none).</summary>
    public static Activity? StartPublish(string? traceParent, string? traceState, RecordChanged change)
    {
        ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var parent);
        var activity = Source.StartActivity("outbox publish", ActivityKind.Internal, parent);
        activity?.SetTag(ChangeTags.EventId, change.EventId.ToString());
        activity?.SetTag(ChangeTags.Collection, change.Collection);
        activity?.SetTag(ChangeTags.RecordId, change.RecordId);
        return activity;
    }
}
