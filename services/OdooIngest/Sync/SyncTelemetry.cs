using System.Diagnostics;
using System.Diagnostics.Metrics;
using RealtimeSync.ServiceDefaults.Telemetry;

namespace RealtimeSync.OdooIngest.Sync;

/// <summary>odoo-ingest's ActivitySource and Meter (<c>RealtimeSync.Sync</c>): one trace per sync run, whose outbox rows carry it on.</summary>
internal static class SyncTelemetry
{
    private static readonly ActivitySource Source = new(RealtimeSyncTelemetry.Sync);
    private static readonly Meter Meter = new(RealtimeSyncTelemetry.Sync);

    private static readonly Histogram<double> RunDuration = Meter.CreateHistogram<double>(
        "realtimesync.sync.run.duration", "s", "How long one sync run of one stream took, by outcome");

    private static readonly Counter<long> Records = Meter.CreateCounter<long>(
        "realtimesync.sync.records", "{record}", "Records a sync run handled, by model and outcome (created, updated, unchanged, archived, failed)");

    public static Activity? StartRun(string stream, string database)
    {
        var activity = Source.StartActivity($"sync run {stream}");
        activity?.SetTag("realtimesync.sync.stream", stream);
        activity?.SetTag("realtimesync.sync.database", database);
        return activity;
    }

    public static void RecordRun(string stream, string outcome, TimeSpan duration, RunCounts counts)
    {
        KeyValuePair<string, object?> streamTag = new("realtimesync.sync.stream", stream);
        RunDuration.Record(duration.TotalSeconds, streamTag, new("realtimesync.sync.outcome", outcome));
        foreach (var (model, recordOutcome, count) in counts.All())
        {
            if (count > 0)
            {
                Records.Add(count, streamTag, new("realtimesync.sync.model", model), new("realtimesync.sync.outcome", recordOutcome));
            }
        }
    }
}
