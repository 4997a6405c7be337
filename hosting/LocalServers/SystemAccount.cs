using System.Diagnostics;

namespace RealtimeSync.Hosting.LocalServers;

/// <summary>
/// Runs a server as its own Debian account when the AppHost is root (PostgreSQL refuses root; RabbitMQ
/// expects its account's Erlang cookie), through setpriv, which execs and so keeps one process for DCP to stop.
/// </summary>
internal static class SystemAccount
{
    public static bool IsRoot => Environment.UserName == "root";

    public static string Command(string program) => IsRoot ? DebianPrograms.Find("setpriv") : program;

    /// <summary>What goes before the server's own arguments: setpriv's, then the program.</summary>
    public static IEnumerable<string> ArgumentsBefore(string program, string account) =>
        IsRoot ? [$"--reuid={account}", $"--regid={account}", "--init-groups", "--", program] : [];

    /// <summary>Gives <paramref name="path"/> (recursively) to the account the server runs as.</summary>
    public static Task OwnAsync(string path, string account, CancellationToken cancellationToken) =>
        IsRoot ? RunAsync("chown", ["-R", $"{account}:{account}", path], null, cancellationToken) : Task.CompletedTask;

    /// <summary>Runs a one-shot program (initdb, chown) as <paramref name="account"/> (or as is), failing on a non-zero exit.</summary>
    public static async Task RunAsync(string program, IEnumerable<string> arguments, string? account, CancellationToken cancellationToken)
    {
        var resolved = Path.IsPathRooted(program) ? program : DebianPrograms.Find(program);
        var info = new ProcessStartInfo(account is null ? resolved : Command(resolved))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (account is null ? [] : ArgumentsBefore(resolved, account)).Concat(arguments))
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} exited with {process.ExitCode}: {await error}{await output}");
        }
    }
}
