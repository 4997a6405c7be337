namespace RealtimeSync.OdooIngest.Sync;

/// <summary>
/// A run reads in full only what changed since the previous run started (the watermark), less a small margin:
/// so its cost follows the changes since the last run, not the overlap. Late commits (a write_date older than
/// that) are the overlap sweep's, due every <see cref="SyncStreamOptions.OverlapSweepInterval"/>: it lists
/// the overlap's ids and write_dates and reads in full only what differs from what is stored.
/// </summary>
public sealed class RunPlanner : IRunPlanner
{
    public RunPlan Plan(StreamCheckpoint state, SyncStreamOptions options, DateTimeOffset now)
    {
        // A scan an earlier run left unfinished goes on after its last stored page, with its own window and start.
        if (state.Scan is { } unfinished)
        {
            return new RunPlan(unfinished, WindowKind.Resumed, unfinished.From is null ? null : SweepFrom(state, options, now));
        }

        // A first sync reads the whole model: there is nothing older to sweep.
        if (state.Watermark is not { } watermark)
        {
            return new RunPlan(new ScanPosition(now, null, 0), WindowKind.Full, null);
        }

        return new RunPlan(new ScanPosition(now, watermark - options.RecentMargin, 0), WindowKind.Recent, SweepFrom(state, options, now));
    }

    /// <summary>Where the overlap sweep starts when one is due (never swept, or swept an interval ago), else null.</summary>
    private static DateTimeOffset? SweepFrom(StreamCheckpoint state, SyncStreamOptions options, DateTimeOffset now) =>
        state.Watermark is { } watermark && (state.LastSweptAt is not { } swept || now - swept >= options.OverlapSweepInterval)
            ? watermark - options.Overlap
            : null;
}
