namespace RealtimeSync.OdooIngest.Sync;

/// <summary>How a run of a stream ended, as its log and its answer say.</summary>
public enum RunStatus
{
    Succeeded,
    Partial,
    Busy,
    Blocked,
    Failed,
}
