using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RealtimeSync.Hosting.LocalServers;

/// <summary>Healthy once something accepts TCP connections on the port (epmd speaks no protocol worth more).</summary>
internal sealed class TcpListeningCheck(Func<int?> port) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (port() is not { } value)
        {
            return HealthCheckResult.Unhealthy("no port allocated yet");
        }

        try
        {
            using var client = new TcpClient();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await client.ConnectAsync("127.0.0.1", value, timeout.Token);
            return HealthCheckResult.Healthy();
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"127.0.0.1:{value} does not accept connections", exception);
        }
    }
}
