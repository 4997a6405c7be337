using System.Diagnostics;
using RealtimeSync.Contracts;

namespace RealtimeSync.ChangeNotifier.Notifications;

/// <summary>One change of a batch on its way to the topic log, with its span in the change's own trace.</summary>
internal sealed class Notification : IDisposable
{
    private readonly Activity? _activity;

    private Notification(TracedChange traced, Activity? activity)
    {
        Change = traced.Change;
        _activity = activity;
        TraceParent = activity is { IdFormat: ActivityIdFormat.W3C } ? activity.Id : traced.TraceParent;
    }

    public RecordChanged Change { get; }

    /// <summary>What the push message carries on to push-gateway: this span when it is recorded, else the change's own context.</summary>
    public string? TraceParent { get; }

    public static Notification Start(TracedChange traced)
    {
        var outer = Activity.Current;
        var activity = NotifierTelemetry.StartNotify(traced);
        Activity.Current = outer; // a batch holds many spans at once: none of them is the consumer's current one
        return new Notification(traced, activity);
    }

    public void Fail(Exception exception)
    {
        _activity?.AddException(exception);
        _activity?.SetStatus(ActivityStatusCode.Error, "set aside");
    }

    public void Dispose() => _activity?.Dispose();
}
