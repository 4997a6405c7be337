using RealtimeSync.OdooIngest.Sync;

namespace RealtimeSync.UnitTests.OdooIngest;

/// <summary>What a run reads: the recent window from the previous run's start less the margin, and the overlap sweep only when it is due.</summary>
public sealed class RunPlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly SyncStreamOptions Options = new()
    {
        Overlap = TimeSpan.FromMinutes(10),
        RecentMargin = TimeSpan.FromSeconds(3),
        OverlapSweepInterval = TimeSpan.FromSeconds(30),
    };

    private readonly IRunPlanner _planner = new RunPlanner();

    [Fact]
    public void A_first_sync_reads_the_whole_model_and_sweeps_nothing()
    {
        var plan = _planner.Plan(new StreamCheckpoint(null, null, null, null), Options, Now);

        Assert.Equal(WindowKind.Full, plan.Window);
        Assert.Equal(new ScanPosition(Now, null, 0), plan.Scan);
        Assert.Null(plan.Sweep);
    }

    [Fact]
    public void A_run_reads_in_full_from_the_previous_runs_start_less_the_margin_not_from_the_overlap()
    {
        var watermark = Now.AddSeconds(-2);
        var plan = _planner.Plan(new StreamCheckpoint(watermark, null, null, null, LastSweptAt: Now.AddSeconds(-10)), Options, Now);

        Assert.Equal(WindowKind.Recent, plan.Window);
        Assert.Equal(new ScanPosition(Now, watermark.AddSeconds(-3), 0), plan.Scan);
        Assert.Null(plan.Sweep); // swept 10 s ago: not due
    }

    [Theory]
    [InlineData(null)] // never swept
    [InlineData(30.0)] // exactly an interval ago
    [InlineData(600.0)]
    public void The_overlap_is_swept_from_the_watermark_less_the_overlap_once_an_interval_has_passed(double? sweptSecondsAgo)
    {
        var watermark = Now.AddSeconds(-2);
        var swept = sweptSecondsAgo is { } ago ? Now.AddSeconds(-ago) : (DateTimeOffset?)null;
        var plan = _planner.Plan(new StreamCheckpoint(watermark, null, null, null, swept), Options, Now);

        Assert.Equal(WindowKind.Recent, plan.Window);
        Assert.Equal(new SweepWindow(watermark - Options.Overlap, watermark - Options.Overlap), plan.Sweep); // no earlier sweep known: nothing is leaving
    }

    [Fact]
    public void A_sweep_also_lists_what_left_the_overlap_since_the_previous_sweep_for_a_last_look()
    {
        var watermark = Now.AddSeconds(-2);
        var previous = watermark.AddSeconds(-33) - Options.Overlap;
        var plan = _planner.Plan(new StreamCheckpoint(watermark, null, null, null, Now.AddSeconds(-31), previous), Options, Now);

        Assert.Equal(new SweepWindow(previous, watermark - Options.Overlap), plan.Sweep);
    }

    [Fact]
    public void A_watermark_held_back_by_a_failure_never_lists_less_than_the_overlap()
    {
        var watermark = Now.AddMinutes(-20); // a failed record's write_date holds it
        var previous = Now.AddSeconds(-40) - Options.Overlap; // the last sweep's start, before the failure
        var plan = _planner.Plan(new StreamCheckpoint(watermark, null, null, null, Now.AddSeconds(-31), previous), Options, Now);

        Assert.Equal(new SweepWindow(watermark - Options.Overlap, watermark - Options.Overlap), plan.Sweep);
    }

    [Fact]
    public void An_unfinished_scan_is_resumed_as_it_was_and_still_swept_when_due()
    {
        var scan = new ScanPosition(Now.AddMinutes(-1), Now.AddMinutes(-2), 4200);
        var watermark = Now.AddMinutes(-2);

        var due = _planner.Plan(new StreamCheckpoint(watermark, null, null, scan, LastSweptAt: Now.AddMinutes(-5)), Options, Now);
        var notDue = _planner.Plan(new StreamCheckpoint(watermark, null, null, scan, LastSweptAt: Now.AddSeconds(-1)), Options, Now);

        Assert.Equal(WindowKind.Resumed, due.Window);
        Assert.Same(scan, due.Scan);
        Assert.Equal(watermark - Options.Overlap, due.Sweep?.From);
        Assert.Same(scan, notDue.Scan);
        Assert.Null(notDue.Sweep);
    }

    [Fact]
    public void An_unfinished_first_sync_is_resumed_without_a_sweep()
    {
        var scan = new ScanPosition(Now.AddMinutes(-40), null, 9000);
        var plan = _planner.Plan(new StreamCheckpoint(null, null, null, scan), Options, Now);

        Assert.Equal(WindowKind.Resumed, plan.Window);
        Assert.Same(scan, plan.Scan);
        Assert.Null(plan.Sweep);
    }

    [Theory]
    [InlineData("00:00:02", "00:10:00", "00:00:03", "00:00:30", null)]
    [InlineData("00:00:00", "00:10:00", "00:00:03", "00:00:30", "Ingest:Streams:s:Interval")]
    [InlineData("00:00:02", "00:10:00", "-00:00:01", "00:00:30", "Ingest:Streams:s:RecentMargin")]
    [InlineData("00:00:02", "00:00:30", "00:01:00", "00:00:10", "Ingest:Streams:s:RecentMargin")]
    [InlineData("00:00:02", "00:10:00", "00:00:03", "00:10:00", "Ingest:Streams:s:OverlapSweepInterval")]
    [InlineData("00:00:02", "00:10:00", "00:00:03", "00:00:00", "Ingest:Streams:s:OverlapSweepInterval")]
    public void Timing_that_cannot_keep_its_promises_is_refused_naming_the_setting(string interval, string overlap, string margin, string sweep, string? named)
    {
        var options = new SyncStreamOptions
        {
            Interval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture),
            Overlap = TimeSpan.Parse(overlap, System.Globalization.CultureInfo.InvariantCulture),
            RecentMargin = TimeSpan.Parse(margin, System.Globalization.CultureInfo.InvariantCulture),
            OverlapSweepInterval = TimeSpan.Parse(sweep, System.Globalization.CultureInfo.InvariantCulture),
        };
        var result = new StreamTimingValidation().Validate(null, new IngestOptions { Streams = { ["s"] = options } });

        if (named is null)
        {
            Assert.True(result.Succeeded);
            return;
        }

        Assert.True(result.Failed);
        Assert.StartsWith(named, result.FailureMessage, StringComparison.Ordinal);
    }
}
