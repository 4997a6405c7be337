namespace RealtimeSync.OdooIngest.Sync;

/// <summary>Which passes a run made, for its log: the window it read in full (null: it stopped before reading), and its overlap sweep (null: none).</summary>
public sealed record RunPasses(string? Window, SweepCounts? Sweep);
