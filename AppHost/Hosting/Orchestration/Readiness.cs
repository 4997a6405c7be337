using System.Net.Sockets;
using System.Text;
using RealtimeSync.ServiceDefaults;

namespace RealtimeSync.AppHost.Hosting.Orchestration;

/// <summary>Probes that say a server is really ready, not merely started: each speaks a word of its protocol.</summary>
internal static class Readiness
{
    /// <summary>Retries <paramref name="probe"/> with backoff until it returns true or the token ends.</summary>
    public static async Task PollAsync(Func<CancellationToken, Task<bool>> probe, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var perAttempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                perAttempt.CancelAfter(TimeSpan.FromSeconds(5));
                if (await probe(perAttempt.Token))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException or HttpRequestException or Npgsql.NpgsqlException
                                           || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // Not ready yet.
            }

            await Task.Delay(Backoff.Exponential(attempt, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(100)), cancellationToken);
        }
    }

    /// <summary>Redis: AUTH then PING must answer +OK and +PONG.</summary>
    public static Func<CancellationToken, Task<bool>> Redis(int port, string password) => async token =>
    {
        var reply = await ExchangeAsync(port, Encoding.ASCII.GetBytes($"AUTH {password}\r\nPING\r\n"), "+PONG", token);
        return reply.Contains("+OK") && reply.Contains("+PONG");
    };

    /// <summary>RabbitMQ: the AMQP 0-9-1 header must be answered by a Connection.Start method frame (type 1).</summary>
    public static Func<CancellationToken, Task<bool>> Amqp(int port) => async token =>
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port, token);
        var stream = client.GetStream();
        await stream.WriteAsync("AMQP\0\0\u0009\u0001"u8.ToArray(), token);
        var first = new byte[1];
        return await stream.ReadAsync(first, token) == 1 && first[0] == 1;
    };

    /// <summary>PostgreSQL: a real login and query with the generated password.</summary>
    public static Func<CancellationToken, Task<bool>> Postgres(string connectionString) => async token =>
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString + ";Pooling=false;Timeout=5");
        await connection.OpenAsync(token);
        await using var command = new Npgsql.NpgsqlCommand("SELECT 1", connection);
        return await command.ExecuteScalarAsync(token) is 1;
    };

    /// <summary>A service: its readiness endpoint (/health) must answer 200.</summary>
    public static Func<CancellationToken, Task<bool>> Http(HttpClient client, string url) => async token =>
    {
        using var response = await client.GetAsync(url, token);
        return response.IsSuccessStatusCode;
    };

    private static async Task<string> ExchangeAsync(int port, byte[] request, string until, CancellationToken token)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port, token);
        var stream = client.GetStream();
        await stream.WriteAsync(request, token);
        var reply = new StringBuilder();
        var buffer = new byte[256];
        while (!reply.ToString().Contains(until, StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, token);
            if (read == 0)
            {
                break;
            }

            reply.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return reply.ToString();
    }
}
