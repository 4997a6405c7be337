using System.Runtime.InteropServices;
using RealtimeSync.Bench.SideBySide;
using RealtimeSync.Bench.SideBySide.Measures;
using RealtimeSync.Bench.SideBySide.Report;
using RealtimeSync.Bench.SideBySide.Systems;

// Side-by-side push benchmark (issue 12, docs/benchmarks.md): the same load generator against bare Kestrel, SignalR with
// its Redis backplane, Socket.IO with its Redis adapter and RealtimeSync, each two instances behind one Redis, one
// system at a time; prints one markdown table with RealtimeSync's ratios.
//   dotnet run -c Release --project bench/SideBySide -- [--systems bare,signalr,socketio,realtimesync] [--subscribers 1000]
//     [--burst 1000] [--paced 200] [--idle 5000] [--rounds 3] [--publishers 8] [--pace-ms 50] [--warm-up 100] [--one-instance 10000]
//     [--rate 6000] [--rate-seconds 20] [--rate-subscribers 20] [--rate-batch 100]
// The change-rate round (last, once per system, issue 12's "5,000 changes/s sustained to 20 subscribers"): --rate changes/s
// offered for --rate-seconds to --rate-subscribers subscribers of its own, in publish requests of at most --rate-batch
// changes (at most 500: merge-api's MaxBatchOperations); --rate 0 skips it.
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

using var stopping = new CancellationTokenSource();

// The first Ctrl+C (or SIGTERM) stops the run in order, every server stopped; a second one ends it at once, and the
// children still die with it (ChildProcess kills them on exit; DCP stops RealtimeSync when this process is gone).
void Stop(PosixSignalContext context)
{
    context.Cancel = !stopping.IsCancellationRequested;
    stopping.Cancel();
}

using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

// stdout carries the report alone: progress, and what the AppHost prints as the system starts, go to stderr.
var report = Console.Out;
Console.SetOut(Console.Error);
var log = Console.Error;
var loadAtStart = File.ReadAllText("/proc/loadavg").Split(' ')[..3];
var startedAt = DateTimeOffset.Now;
var results = new List<SystemResult>();
PrivateRedis? redis = null;
try
{
    foreach (var name in options.Systems)
    {
        if (name == "realtimesync")
        {
            results.Add(await new SystemRun(new RealtimeSyncSystem(), options, log).RunAsync(stopping.Token));
            continue;
        }

        var program = name switch
        {
            "bare" => PeerPrograms.Bare(),
            "signalr" => PeerPrograms.SignalR(),
            _ => PeerPrograms.SocketIo(),
        };
        try
        {
            redis ??= await PrivateRedis.StartAsync(stopping.Token);
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            results.Add(new SystemResult(program.Name, program.Title) { Failure = "the peers' redis-server did not start: " + ex.Message });
            continue;
        }

        results.Add(await new SystemRun(new PeerSystem(program, redis), options, log).RunAsync(stopping.Token));
    }
}
catch (OperationCanceledException) when (stopping.IsCancellationRequested)
{
    log.WriteLine("stopped: the table has what was measured before");
}
finally
{
    redis?.Dispose();
}

report.WriteLine($"""
    ## Side-by-side push benchmark

    {startedAt:yyyy-MM-dd HH:mm}, {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {string.Join(" ", loadAtStart)} at the start and {string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ')[..3])} at the end.
    {(args.Length == 0 ? "Defaults" : $"`{string.Join(' ', args)}`")}: {options.Subscribers} subscribers, bursts of {options.Burst} from {options.Publishers} publishers, {options.Paced} paced {options.PaceMilliseconds} ms apart, {options.Idle} idle, {options.Rounds} round(s); {(options.Rate > 0 ? $"change rate {options.Rate} changes/s for {options.RateSeconds} s to {options.RateSubscribers} subscribers, at most {options.RateBatch} per request" : "no change-rate round")}.

    """);
report.WriteLine(ResultTable.Render(results, options));
report.Flush();
return stopping.IsCancellationRequested ? 130 : 0;
