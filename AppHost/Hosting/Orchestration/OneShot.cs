using System.Diagnostics;

namespace RealtimeSync.AppHost.Hosting.Orchestration;

/// <summary>Runs a short command (initdb, chown, rabbitmqctl) to completion, its output into the resource's log.</summary>
internal static class OneShot
{
    public static async Task RunAsync(RunContext context, string logName, string fileName, IEnumerable<string> arguments,
        string? runAsUser = null, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null, bool throwOnFailure = true)
    {
        var info = new ProcessStartInfo(runAsUser is not null && Signals.IsRoot ? "setpriv" : fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (runAsUser is not null && Signals.IsRoot)
        {
            foreach (var argument in new[] { $"--reuid={runAsUser}", $"--regid={runAsUser}", "--init-groups", "--", fileName })
            {
                info.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        info.Environment[StateFolder.MarkerVariable] = context.State.Path;
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, line) => Write(line.Data);
        process.ErrorDataReceived += (_, line) => Write(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(fileName)} did not finish in time. Last output:{Environment.NewLine}{context.Log.Tail(logName)}");
        }

        if (process.ExitCode != 0 && throwOnFailure)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(fileName)} failed with code {process.ExitCode}. Last output:{Environment.NewLine}{context.Log.Tail(logName)}");
        }

        void Write(string? line)
        {
            if (line is not null)
            {
                context.Log.Write(logName, line);
            }
        }
    }
}
