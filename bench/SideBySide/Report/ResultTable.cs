using System.Globalization;
using System.Text;
using RealtimeSync.Bench.SideBySide.Measures;
using RealtimeSync.Bench.SideBySide.Processes;

namespace RealtimeSync.Bench.SideBySide.Report;

/// <summary>
/// The report: one markdown table, a column per system and RealtimeSync's ratio to SignalR and to bare Kestrel
/// (RealtimeSync ÷ the other, so above 1x is more of the measure), then what each process held and spent.
/// </summary>
internal static class ResultTable
{
    private const string Ours = "realtimesync";
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly (string Name, string Title)[] Columns =
        [("bare", "bare Kestrel"), ("signalr", "SignalR + Redis"), ("socketio", "Socket.IO + Redis"), (Ours, "RealtimeSync")];

    public static string Render(IReadOnlyList<SystemResult> results, BenchOptions options)
    {
        var rows = new StringBuilder();
        var byName = results.ToDictionary(result => result.Name);
        rows.AppendLine(CultureInfo.InvariantCulture, $"| measure | {string.Join(" | ", Columns.Select(column => column.Title))} | RealtimeSync ÷ SignalR | RealtimeSync ÷ bare |");
        rows.AppendLine($"|---|{string.Join("|", Enumerable.Repeat("---:", Columns.Length + 2))}|");

        void Text(string measure, string phase, Func<SystemResult, string?> cell) =>
            rows.AppendLine(CultureInfo.InvariantCulture, $"| {measure} | {string.Join(" | ", Columns.Select(column => Cell(byName, column.Name, phase, cell)))} | | |");

        void Number(string measure, string phase, Func<SystemResult, double> value, string format)
        {
            string? Formatted(SystemResult result) => value(result) is var number && double.IsNaN(number) ? "–" : number.ToString(format, Invariant);
            rows.AppendLine(CultureInfo.InvariantCulture,
                $"| {measure} | {string.Join(" | ", Columns.Select(column => Cell(byName, column.Name, phase, Formatted)))} | {Ratio(byName, "signalr", phase, value)} | {Ratio(byName, "bare", phase, value)} |");
        }

        Text("subscribers per instance", "rounds", result => result.Spread);
        Number($"burst fan-out, deliveries/s ({options.Burst} msgs x {options.Subscribers} subs, {options.Publishers} publishers)", "rounds",
            result => Percentiles.Median(result.Bursts.Select(round => round.DeliveriesPerSecond)), "N0");
        Text("burst: delivered / expected (missing, duplicated, out of order), all rounds", "rounds", result => Completeness(result.Bursts));
        Number("burst: publish (RealtimeSync: PUT) p50, ms", "rounds", result => Percentiles.Median(result.Bursts.Select(round => round.WriteP50)), "0.0");
        Number($"paced ({options.Paced} msgs, {options.PaceMilliseconds} ms apart): publish→receipt p50, ms", "rounds",
            result => Percentiles.Median(result.Paced.Select(round => round.Receipts.LatencyP50)), "0.0");
        Number("paced: publish→receipt p99, ms", "rounds", result => Percentiles.Median(result.Paced.Select(round => round.Receipts.LatencyP99)), "0.0");
        Number("paced: commit→receipt p50, ms (RealtimeSync only)", "rounds", result => Percentiles.Median(result.Paced.Select(round => round.Receipts.CommitP50)), "0");
        Number("paced: commit→receipt p99, ms (RealtimeSync only)", "rounds", result => Percentiles.Median(result.Paced.Select(round => round.Receipts.CommitP99)), "0");
        Text("paced: delivered / expected (missing, duplicated, out of order), all rounds", "rounds", result => Completeness(result.Paced));
        Number($"memory per idle connection, KiB ({options.Idle} idle)", "memory", result => result.Memory?.KiBPerConnection ?? double.NaN, "0.0");
        Text("idle connections still open when measured; spread", "memory", result => result.Memory is { } memory
            ? $"{memory.Open} of {memory.Connections}; {memory.Spread}{(memory.Settled ? string.Empty : " (RSS not settled in 60 s)")}"
            : null);
        Number("CPU per delivery, fan-out path + Redis, µs (burst)", "rounds", result => Percentiles.Median(result.Bursts.Select(round => round.FanOutMicrosPerDelivery)), "0.00");
        Number("CPU per delivery, whole system, µs (burst)", "rounds", result => Percentiles.Median(result.Bursts.Select(round => round.SystemMicrosPerDelivery)), "0.00");
        Number("payload bytes per delivered message", "rounds", result => Percentiles.Median(result.Bursts.Select(round => round.BytesPerDelivery)), "0");
        Number("messages per WebSocket message (packing)", "rounds", result => Percentiles.Median(result.Bursts.Select(round => round.DeliveriesPerFrame)), "0.00");
        Number("load generator CPU per delivery, µs (burst; this process)", "rounds",
            result => Percentiles.Median(result.Bursts.Select(round => round.LoadGeneratorCpu * 1e6 / round.Delivered)), "0.00");
        if (options.OneInstance > 0)
        {
            Text($"one instance: {options.OneInstance:N0} idle connections straight to it, still open", "one instance", result => result.OneInstance is null ? null : $"{result.OneInstanceOpen:N0}");
            Number("one instance: 5 messages 1 s apart to each, publish→receipt p50, ms", "one instance", result => result.OneInstance?.Receipts.LatencyP50 ?? double.NaN, "0.0");
            Number("one instance: publish→receipt p99, ms", "one instance", result => result.OneInstance?.Receipts.LatencyP99 ?? double.NaN, "0.0");
            Number("one instance: publish→receipt, the latest receipt, ms", "one instance", result => result.OneInstance?.Receipts.LatencyMax ?? double.NaN, "0.0");
            Text("one instance: delivered / expected (missing, duplicated, out of order)", "one instance", result => result.OneInstance is { } round ? Completeness([round]) : null);
        }

        if (options.Rate > 0)
        {
            void RateNumber(string measure, Func<RateResult, double> value, string format) => Number("change rate: " + measure, "rate", result => result.Rate is { } rate ? value(rate) : double.NaN, format);
            Text($"change rate: subscribers per instance ({options.RateSubscribers})", "rate", result => result.RateSpread);
            RateNumber($"{options.Rate:N0} changes/s offered for {options.RateSeconds} s (≤ {options.RateBatch} per request, ≤ {RateRound.InFlight} in flight); accepted, changes/s",
                rate => rate.AcceptedPerSecond, "N0");
            RateNumber("sustained: changes at every subscriber ÷ (first publish → last receipt), changes/s", rate => rate.SustainedPerSecond, "N0");
            RateNumber("publish→receipt p50, ms", rate => rate.Receipts.LatencyP50, "0.0");
            RateNumber("publish→receipt p99, ms", rate => rate.Receipts.LatencyP99, "0.0");
            RateNumber("commit→receipt p50, ms (RealtimeSync only)", rate => rate.Receipts.CommitP50, "0");
            RateNumber("commit→receipt p99, ms (RealtimeSync only)", rate => rate.Receipts.CommitP99, "0");
            RateNumber("drain: last publish answered → last receipt, ms", rate => rate.Drain.TotalMilliseconds, "0");
            RateNumber($"publisher behind schedule, at most, ms (a change waits up to {RateRound.SliceMilliseconds} ms for its slice)", rate => rate.MaxScheduleLagMs, "0");
            Text("change rate: delivered / expected (missing, duplicated, out of order)", "rate", result => result.Rate is { } rate
                ? string.Create(Invariant, $"{rate.Delivered:N0} / {rate.Expected:N0} ({rate.Missing:N0}, {rate.Receipts.Duplicates:N0}, {rate.Receipts.OutOfOrder:N0})")
                  + (rate.DrainTimedOut ? $"; still missing {RateRound.DrainLimitSeconds} s after the last answer" : string.Empty)
                : null);
            Text("change rate: changes refused / sent (failed requests), unsent", "rate", result => result.Rate is { } rate
                ? string.Create(Invariant, $"{rate.Refused:N0} / {rate.Sent:N0} ({rate.FailedRequests} of {rate.Requests:N0}), {rate.Unsent:N0}")
                : null);
        }

        var report = new StringBuilder();
        report.AppendLine(rows.ToString());
        report.AppendLine(CultureInfo.InvariantCulture, $"Medians of {options.Rounds} round(s). Ratios are RealtimeSync's value divided by the other system's.");
        if (options.Rate > 0)
        {
            report.AppendLine();
            report.AppendLine(CultureInfo.InvariantCulture,
                $"Change rate: one round per system, on {options.RateSubscribers} subscribers of its own. Every {RateRound.SliceMilliseconds} ms the publisher sends the changes due "
                + $"by then, in requests of at most {options.RateBatch}, at most {RateRound.InFlight} unanswered. The peers take them as `POST /publish-batch` (one message per "
                + $"line, published one after another); RealtimeSync as `POST /api/records/_batch` through the gateway (PUTs to 100 records of `tbench`, applied in "
                + $"order, a result each). Accepted: changes the system took ÷ (first request sent → last answered). Sustained counts only changes that reached every "
                + $"subscriber. Out of order: behind an earlier message of the same request (every system) or of the same topic (RealtimeSync's offsets). "
                + $"Deliveries are counted until {RateRound.DrainLimitSeconds} s after the last answer.");
        }

        AppendFailures(report, results);
        AppendMemory(report, results);
        AppendCpu(report, results);
        report.AppendLine("What was counted:");
        foreach (var note in results.Select(result => result.CountingNote).OfType<string>())
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"- {note}");
        }

        return report.ToString();
    }

    private static string Cell(Dictionary<string, SystemResult> results, string name, string phase, Func<SystemResult, string?> cell) =>
        !results.TryGetValue(name, out var result) ? "not run"
        : result.Failure is not null ? "failed"
        : result.PhaseFailures.ContainsKey(phase) ? $"failed ({phase})"
        : cell(result) ?? "–";

    private static string Ratio(Dictionary<string, SystemResult> results, string other, string phase, Func<SystemResult, double> value)
    {
        if (!results.TryGetValue(Ours, out var ours) || !results.TryGetValue(other, out var theirs)
            || ours.Failure is not null || theirs.Failure is not null || ours.PhaseFailures.ContainsKey(phase) || theirs.PhaseFailures.ContainsKey(phase))
        {
            return string.Empty;
        }

        var ratio = value(ours) / value(theirs);
        return double.IsFinite(ratio) ? ratio.ToString("0.00", Invariant) + "x" : string.Empty;
    }

    private static string? Completeness(IReadOnlyList<RoundResult> rounds) => rounds.Count == 0
        ? null
        : string.Create(Invariant,
            $"{rounds.Sum(round => round.Delivered):N0} / {rounds.Sum(round => round.Expected):N0} ({rounds.Sum(round => round.Missing):N0}, {rounds.Sum(round => round.Receipts.Duplicates):N0}, {rounds.Sum(round => round.Receipts.OutOfOrder):N0})");

    private static void AppendFailures(StringBuilder report, IReadOnlyList<SystemResult> results)
    {
        foreach (var result in results)
        {
            if (result.Failure is { } failure)
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"- **{result.Title} failed**: {failure}");
            }

            foreach (var (phase, reason) in result.PhaseFailures)
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"- **{result.Title}, {phase} failed**: {reason}");
            }

            if (result.Rate is { FirstRefusal: { } refusal } rate)
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"- **{result.Title}, change rate**: {rate.Refused:N0} changes refused; the first: {refusal}");
            }
        }

        report.AppendLine();
    }

    private static void AppendMemory(StringBuilder report, IReadOnlyList<SystemResult> results)
    {
        report.AppendLine("Memory per idle connection, by process (VmRSS once settled, before and after connecting the idle connections):");
        report.AppendLine();
        report.AppendLine("| system | process | pid | before, MiB | after, MiB | growth per connection, KiB | open descriptors after |");
        report.AppendLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var result in results.Where(result => result.Memory is not null))
        {
            foreach (var process in result.Memory!.Processes)
            {
                report.AppendLine(CultureInfo.InvariantCulture,
                    $"| {result.Title} | {process.Process.Name} | {process.Process.Pid} | {process.BeforeKiB / 1024.0:0.0} | {process.AfterKiB / 1024.0:0.0} | {(process.AfterKiB - process.BeforeKiB) / (double)result.Memory.Connections:0.00} | {process.Descriptors} |");
            }
        }

        report.AppendLine();
    }

    private static void AppendCpu(StringBuilder report, IReadOnlyList<SystemResult> results)
    {
        AppendCpu(report, "the burst rounds", "delivery", results.Where(result => result.Bursts.Count > 0)
            .Select(result => (result, result.Bursts.SelectMany(round => round.Cpu), result.Bursts.Sum(round => round.LoadGeneratorCpu), result.Bursts.Sum(round => round.Delivered))));
        AppendCpu(report, "the change-rate round", "change accepted", results.Where(result => result.Rate is { Accepted: > 0 })
            .Select(result => (result, result.Rate!.Cpu.AsEnumerable(), result.Rate.LoadGeneratorCpu, (long)result.Rate.Accepted)));
    }

    private static void AppendCpu(
        StringBuilder report, string during, string unit, IEnumerable<(SystemResult Result, IEnumerable<CpuShare> Cpu, double OwnSeconds, long Count)> rows)
    {
        report.AppendLine(CultureInfo.InvariantCulture, $"CPU during {during}, by process (utime + stime from /proc/<pid>/stat, all rounds together):");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"| system | process | pids | counted in | CPU, s | µs per {unit} |");
        report.AppendLine("|---|---|---|---|---:|---:|");
        foreach (var (result, cpu, ownSeconds, count) in rows)
        {
            foreach (var group in cpu.GroupBy(share => (share.Process.Name, share.Process.Role)).OrderBy(group => group.Key.Role).ThenByDescending(group => group.Sum(share => share.Seconds)))
            {
                var pids = string.Join(", ", group.Select(share => share.Process.Pid).Distinct().Take(4)) + (group.Select(share => share.Process.Pid).Distinct().Count() > 4 ? ", …" : string.Empty);
                var seconds = group.Sum(share => share.Seconds);
                report.AppendLine(CultureInfo.InvariantCulture, $"| {result.Title} | {group.Key.Name} | {pids} | {Counted(group.Key.Role)} | {seconds:0.00} | {seconds * 1e6 / count:0.00} |");
            }

            report.AppendLine(CultureInfo.InvariantCulture, $"| {result.Title} | this process (load generator) | {Environment.ProcessId} | nothing | {ownSeconds:0.00} | {ownSeconds * 1e6 / count:0.00} |");
        }

        report.AppendLine();
    }

    private static string Counted(PathRole role) => role switch
    {
        PathRole.Connections => "memory, fan-out, system",
        PathRole.Backplane => "fan-out, system",
        PathRole.Writes => "system",
        _ => "nothing",
    };
}
