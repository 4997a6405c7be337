namespace RealtimeSync.OdooIngest.Sync;

/// <summary>Which window a run reads in full: the whole model (first sync), the recent window, or an unfinished scan it resumes.</summary>
public enum WindowKind
{
    Full,
    Recent,
    Resumed,
}

/// <summary>What one run reads: its window scan (read in full), and the overlap sweep when it is due (null: none this run).</summary>
public sealed record RunPlan(ScanPosition Scan, WindowKind Window, SweepWindow? Sweep)
{
    public string WindowName => Window.ToString().ToLowerInvariant();
}
