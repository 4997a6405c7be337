using System.Diagnostics;
using RealtimeSync.ServiceDefaults;

namespace RealtimeSync.AppHost.Hosting.Orchestration;

/// <summary>
/// Runs one process in its own session (so Ctrl+C reaches only the AppHost, which stops everything in
/// order), waits until it is ready, and restarts it with backoff if it dies while the run goes on.
/// </summary>
public sealed class SupervisedProcess(
    ProcessSpec spec,
    Func<CancellationToken, Task> readiness,
    ResourceLog log,
    string stateFolder,
    TimeSpan readyTimeout)
{
    private static readonly TimeSpan StableAfter = TimeSpan.FromMinutes(1);
    private readonly CancellationTokenSource _stopping = new();
    private Process? _process;
    private Task _supervision = Task.CompletedTask;

    public string Name => spec.Name;

    public int? ProcessId => _process is { HasExited: false } process ? process.Id : null;

    /// <summary>Launches the process and returns once it is ready; throws with its last output if it dies or times out first.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var process = Launch();
        await WaitReadyAsync(process, cancellationToken);
        _supervision = SuperviseAsync(process);
    }

    /// <summary>Sends <paramref name="signal"/> to the process group, waits up to <paramref name="grace"/>, then kills it.</summary>
    public async Task StopAsync(int signal, TimeSpan grace, Func<Task>? gracefulStop = null)
    {
        await _stopping.CancelAsync();
        if (_process is { HasExited: false } process)
        {
            if (gracefulStop is not null)
            {
                await gracefulStop();
            }
            else
            {
                Signals.SendToGroup(process.Id, signal);
            }

            using var timeout = new CancellationTokenSource(grace);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                log.Host($"{Name} did not stop within {grace.TotalSeconds:0}s; killing it");
            }

            Signals.SendToGroup(process.Id, Signals.Kill);
            await process.WaitForExitAsync(CancellationToken.None);
        }

        await _supervision.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task WaitReadyAsync(Process process, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        deadline.CancelAfter(readyTimeout);
        var exited = process.WaitForExitAsync(deadline.Token);
        var ready = readiness(deadline.Token);
        try
        {
            if (await Task.WhenAny(ready, exited) == exited && process.HasExited)
            {
                throw new InvalidOperationException(
                    $"{Name} exited with code {process.ExitCode} before it was ready. Last output:{Environment.NewLine}{log.Tail(Name)}");
            }

            await ready;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !_stopping.IsCancellationRequested)
        {
            throw new TimeoutException($"{Name} was not ready within {readyTimeout.TotalSeconds:0}s. Last output:{Environment.NewLine}{log.Tail(Name)}");
        }
    }

    private async Task SuperviseAsync(Process process)
    {
        var failures = 0;
        while (true)
        {
            var started = Stopwatch.StartNew();
            await process.WaitForExitAsync(CancellationToken.None);
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            failures = started.Elapsed > StableAfter ? 1 : failures + 1;
            var delay = Backoff.Exponential(failures, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1));
            log.Host($"{Name} exited unexpectedly with code {process.ExitCode}; restarting in {delay.TotalSeconds:0.0}s (failure {failures})");
            try
            {
                await Task.Delay(delay, _stopping.Token);
                process = Launch();
                await WaitReadyAsync(process, _stopping.Token);
                log.Host($"{Name} is ready again");
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
            {
                log.Host(ex.Message);
            }
        }
    }

    private Process Launch()
    {
        // setsid: a session of its own, so its whole group can be signalled and terminal Ctrl+C does not hit it;
        // setpriv: drop root for servers that refuse it (PostgreSQL) or expect their own user (RabbitMQ), without a forking wrapper.
        var info = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = spec.WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (spec.RunAsUser is { } user && Signals.IsRoot)
        {
            foreach (var argument in new[] { "setpriv", $"--reuid={user}", $"--regid={user}", "--init-groups", "--" })
            {
                info.ArgumentList.Add(argument);
            }
        }

        info.ArgumentList.Add(spec.FileName);
        foreach (var argument in spec.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in spec.Environment)
        {
            info.Environment[name] = value;
        }

        info.Environment[StateFolder.MarkerVariable] = stateFolder;

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, line) => Echo(line.Data);
        process.ErrorDataReceived += (_, line) => Echo(line.Data);
        process.Start();
        StaleProcesses.Record(stateFolder, process.Id);
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        return process;
    }

    private void Echo(string? line)
    {
        if (line is not null)
        {
            log.Write(Name, line);
        }
    }
}
