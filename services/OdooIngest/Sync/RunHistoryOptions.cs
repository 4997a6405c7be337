namespace RealtimeSync.OdooIngest.Sync;

/// <summary>
/// How much of the run log is kept (section <c>Ingest:RunHistory</c>): a stream runs every few seconds, so an
/// unbounded log would grow by tens of thousands of rows a day. After each run, that stream's finished runs
/// beyond the newest <see cref="Keep"/>, or older than <see cref="MaxAge"/>, are deleted.
/// </summary>
public sealed class RunHistoryOptions
{
    /// <summary>Finished runs kept per stream and Odoo database, newest first; at least 1.</summary>
    public int Keep { get; set; } = 1000;

    /// <summary>Finished runs that started longer ago are deleted whatever their number; null keeps them by count only.</summary>
    public TimeSpan? MaxAge { get; set; } = TimeSpan.FromDays(90);
}
