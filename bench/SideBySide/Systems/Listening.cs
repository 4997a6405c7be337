using System.Net.Sockets;

namespace RealtimeSync.Bench.SideBySide.Systems;

/// <summary>Waits for a server the benchmark started to accept connections, or says why it never did.</summary>
internal static class Listening
{
    public static async Task UntilAcceptingAsync(ChildProcess server, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"{server.Name} exited before it listened on {port}:{Environment.NewLine}{server.Output}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port, cancellationToken);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, cancellationToken); // polling a port: there is nothing to wait on
            }
            catch (SocketException ex)
            {
                throw new TimeoutException($"{server.Name} did not listen on {port} within {timeout.TotalSeconds:0} s:{Environment.NewLine}{server.Output}", ex);
            }
        }
    }
}
