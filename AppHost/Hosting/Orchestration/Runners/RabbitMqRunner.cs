using System.Security.Cryptography;
using System.Text;

namespace RealtimeSync.AppHost.Hosting.Orchestration.Runners;

/// <summary>
/// A RabbitMQ node of its own (name derived from the state folder, so a test run and ./run never meet),
/// with the generated password for the default user and every file under the state folder.
/// </summary>
internal sealed class RabbitMqRunner(RabbitMQServerResource rabbit, RunContext context) : IResourceRunner
{
    private const string SystemUser = "rabbitmq";
    private SupervisedProcess? _process;
    private Dictionary<string, string> _environment = [];

    public Resource Resource => rabbit;

    private string NodeName =>
        $"rs{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(context.State.Path)))[..10].ToLowerInvariant()}@localhost";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var folder = Directory.CreateDirectory(context.State.Sub("rabbitmq")).FullName;
        var port = rabbit.PrimaryEndpoint.AllocatedPorts[0];
        var config = Path.Combine(folder, "rabbitmq.conf");
        await File.WriteAllTextAsync(config, $"""
            listeners.tcp.default = 127.0.0.1:{port}
            default_user = {RabbitMQServerResource.UserName}
            default_pass = {rabbit.Password.GetValue()}
            loopback_users = none
            """, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, "enabled_plugins"), "[].", cancellationToken);
        var runAs = Signals.IsRoot ? SystemUser : null;
        _environment = new Dictionary<string, string>
        {
            ["RABBITMQ_NODENAME"] = NodeName,
            ["RABBITMQ_NODE_PORT"] = $"{port}",
            ["RABBITMQ_DIST_PORT"] = $"{PortAllocator.Free()}",
            ["RABBITMQ_MNESIA_BASE"] = Directory.CreateDirectory(Path.Combine(folder, "mnesia")).FullName,
            ["RABBITMQ_LOG_BASE"] = Directory.CreateDirectory(Path.Combine(folder, "log")).FullName,
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(folder, "enabled_plugins"),
            ["RABBITMQ_CONFIG_FILE"] = config,
            ["RABBITMQ_PID_FILE"] = Path.Combine(folder, "rabbitmq.pid"),
            ["RABBITMQ_LOGS"] = "-",
        };
        if (runAs is not null)
        {
            _environment["HOME"] = "/var/lib/rabbitmq"; // where the rabbitmq user keeps its Erlang cookie
        }

        if (runAs is not null)
        {
            await OneShot.RunAsync(context, rabbit.Name, "chown", ["-R", $"{SystemUser}:{SystemUser}", folder]);
        }

        _process = context.Supervise(
            new ProcessSpec(rabbit.Name, Binaries.Find("rabbitmq-server", "/usr/lib/rabbitmq/bin/rabbitmq-server"), [], _environment, folder, runAs),
            Readiness.Amqp(port));
        await _process.StartAsync(cancellationToken);
    }

    public Task StopAsync() =>
        _process?.StopAsync(Signals.Terminate, TimeSpan.FromSeconds(30), () =>
            OneShot.RunAsync(context, rabbit.Name, Binaries.Find("rabbitmqctl", "/usr/lib/rabbitmq/bin/rabbitmqctl"), ["-n", NodeName, "stop"],
                Signals.IsRoot ? SystemUser : null, _environment, TimeSpan.FromSeconds(30), throwOnFailure: false)) ?? Task.CompletedTask;
}
