using RealtimeSync.Bench.SideBySide.Load;

namespace RealtimeSync.Bench.SideBySide.Measures;

/// <summary>What a round's subscribers received, over all of them: what came twice, unasked or out of order, and how late (ms).</summary>
internal sealed record Receipts(long Duplicates, long Stray, long OutOfOrder, double LatencyP50, double LatencyP99, double LatencyMax, double CommitP50, double CommitP99)
{
    public static Receipts Of(IReadOnlyList<Tally> tallies)
    {
        var latencies = tallies.SelectMany(tally => tally.Latencies()).Order().ToArray();
        var commits = tallies.SelectMany(tally => tally.CommitLatencies()).Order().ToArray();
        return new Receipts(
            tallies.Sum(tally => (long)tally.Duplicates),
            tallies.Sum(tally => (long)tally.Stray),
            tallies.Sum(tally => (long)tally.OutOfOrder),
            Percentiles.Of(latencies, 0.50),
            Percentiles.Of(latencies, 0.99),
            Percentiles.Of(latencies, 1.0),
            Percentiles.Of(commits, 0.50),
            Percentiles.Of(commits, 0.99));
    }
}
