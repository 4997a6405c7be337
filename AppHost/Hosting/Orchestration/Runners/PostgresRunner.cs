namespace RealtimeSync.AppHost.Hosting.Orchestration.Runners;

/// <summary>
/// A PostgreSQL cluster in the state folder, initialised once with the generated password
/// (scram-sha-256 over TCP, as Aspire's container), listening on loopback only.
/// </summary>
internal sealed class PostgresRunner(PostgresServerResource postgres, RunContext context) : IResourceRunner
{
    private const string SystemUser = "postgres";
    private SupervisedProcess? _process;

    public Resource Resource => postgres;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var bin = Binaries.PostgresBin();
        var folder = Directory.CreateDirectory(context.State.Sub("postgres")).FullName;
        var data = Path.Combine(folder, "data");
        var sockets = Directory.CreateDirectory(Path.Combine(folder, "run")).FullName;
        var runAs = Signals.IsRoot ? SystemUser : null;
        if (runAs is not null)
        {
            await OneShot.RunAsync(context, postgres.Name, "chown", ["-R", $"{SystemUser}:{SystemUser}", folder]);
        }

        if (!File.Exists(Path.Combine(data, "PG_VERSION")))
        {
            await InitializeAsync(bin, folder, data, runAs);
        }

        var port = postgres.PrimaryEndpoint.AllocatedPorts[0];
        List<string> arguments = ["-D", data, "-p", $"{port}", "-c", "listen_addresses=127.0.0.1", "-c", $"unix_socket_directories={sockets}", "-c", "max_connections=300"];
        if (!context.Options.Durable)
        {
            arguments.AddRange(["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]);
        }

        _process = context.Supervise(
            new ProcessSpec(postgres.Name, Path.Combine(bin, "postgres"), arguments, new Dictionary<string, string>(), folder, runAs),
            Readiness.Postgres(postgres.ConnectionStringExpression.GetValue()));
        await _process.StartAsync(cancellationToken);
    }

    // SIGINT to the postmaster only is PostgreSQL's "fast" shutdown: roll back open transactions, checkpoint, exit.
    public Task StopAsync() =>
        _process?.StopAsync(Signals.Interrupt, TimeSpan.FromSeconds(20), () =>
        {
            if (_process.ProcessId is { } pid)
            {
                Signals.Send(pid, Signals.Interrupt);
            }

            return Task.CompletedTask;
        }) ?? Task.CompletedTask;

    private async Task InitializeAsync(string bin, string folder, string data, string? runAs)
    {
        var passwordFile = Path.Combine(folder, "initdb.pw");
        await File.WriteAllTextAsync(passwordFile, postgres.Password.GetValue());
        try
        {
            if (runAs is not null)
            {
                await OneShot.RunAsync(context, postgres.Name, "chown", [$"{runAs}:{runAs}", passwordFile]);
            }

            await OneShot.RunAsync(context, postgres.Name, Path.Combine(bin, "initdb"),
                ["-D", data, "-U", PostgresServerResource.UserName, $"--pwfile={passwordFile}", "--auth-host=scram-sha-256", "--auth-local=trust",
                 "-E", "UTF8", "--locale=C", "--no-sync"],
                runAs, timeout: TimeSpan.FromMinutes(2));
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }
}
