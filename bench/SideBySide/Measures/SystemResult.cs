namespace RealtimeSync.Bench.SideBySide.Measures;

/// <summary>Everything measured of one system; a phase that failed says why, and the others still count.</summary>
internal sealed class SystemResult(string name, string title)
{
    public string Name { get; } = name;

    public string Title { get; } = title;

    /// <summary>Why the system could not be measured at all (it did not start).</summary>
    public string? Failure { get; set; }

    /// <summary>Why a phase failed, by phase.</summary>
    public Dictionary<string, string> PhaseFailures { get; } = [];

    public string? Spread { get; set; }

    public List<RoundResult> Bursts { get; } = [];

    public List<RoundResult> Paced { get; } = [];

    public MemoryResult? Memory { get; set; }

    /// <summary>How the change-rate round's subscribers spread over the instances.</summary>
    public string? RateSpread { get; set; }

    /// <summary>The change-rate round, when it ran (<c>--rate</c> above 0) and did not fail.</summary>
    public RateResult? Rate { get; set; }

    /// <summary>The paced messages to <see cref="BenchOptions.OneInstance"/> idle connections on the first instance alone, and how many stayed open.</summary>
    public RoundResult? OneInstance { get; set; }

    public int OneInstanceOpen { get; set; }

    public string? CountingNote { get; set; }
}
