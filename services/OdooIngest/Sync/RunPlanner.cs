namespace RealtimeSync.OdooIngest.Sync;

/// <summary>
/// A run reads in full only what changed since the previous run started (the watermark), less a small margin:
/// so its cost follows the changes since the last run, not the overlap. Late commits (a write_date older than
/// that) are the overlap sweep's, due every <see cref="SyncStreamOptions.OverlapSweepInterval"/>: it lists
/// the overlap's ids and write_dates and reads in full only what differs from what is stored, and what is
/// leaving the overlap since the previous sweep (<see cref="SweepWindow"/>).
/// </summary>
public sealed class RunPlanner : IRunPlanner
{
    public RunPlan Plan(StreamCheckpoint state, SyncStreamOptions options, DateTimeOffset now)
    {
        // A scan an earlier run left unfinished goes on after its last stored page, with its own window and start.
        if (state.Scan is { } unfinished)
        {
            return new RunPlan(unfinished, WindowKind.Resumed, unfinished.From is null ? null : Sweep(state, options, now));
        }

        // A first sync reads the whole model: there is nothing older to sweep.
        if (state.Watermark is not { } watermark)
        {
            return new RunPlan(new ScanPosition(now, null, 0), WindowKind.Full, null);
        }

        return new RunPlan(new ScanPosition(now, watermark - options.RecentMargin, 0), WindowKind.Recent, Sweep(state, options, now));
    }

    /// <summary>The overlap sweep when one is due (never swept, or swept an interval ago), else null.</summary>
    private static SweepWindow? Sweep(StreamCheckpoint state, SyncStreamOptions options, DateTimeOffset now)
    {
        if (state.Watermark is not { } watermark || (state.LastSweptAt is { } swept && now - swept < options.OverlapSweepInterval))
        {
            return null;
        }

        // The overlap follows the watermark, so consecutive sweeps' starts tile time: each write_date leaves the overlap in exactly one sweep.
        var from = watermark - options.Overlap;
        return new SweepWindow(state.LastSweptFrom is { } previous && previous < from ? previous : from, from);
    }
}
