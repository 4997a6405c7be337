using System.Globalization;
using Aspire.Hosting.Testing;
using Npgsql;
using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.EndToEnd;

/// <summary>The local servers the AppHost runs are not open to other accounts on the machine.</summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class LocalServerAccessTests(RealtimeSystem system)
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task PostgreSQL_asks_for_the_password_on_TCP_and_on_its_socket_whose_folder_is_its_owners_alone()
    {
        var server = new NpgsqlConnectionStringBuilder(system.ConnectionString("mergedb"));
        var socketFolder = Path.Combine(system.StateFolder, "postgres", "run");

        var overTcp = new NpgsqlConnectionStringBuilder { Host = server.Host, Port = server.Port, Username = server.Username, Database = "mergedb", Password = "wrong", Pooling = false };
        var overSocket = new NpgsqlConnectionStringBuilder { Host = socketFolder, Port = server.Port, Username = server.Username, Database = "mergedb", Password = "wrong", Pooling = false };

        Assert.Equal("28P01", (await Assert.ThrowsAsync<PostgresException>(() => OpenAsync(overTcp))).SqlState); // invalid_password
        Assert.Equal("28P01", (await Assert.ThrowsAsync<PostgresException>(() => OpenAsync(overSocket))).SqlState);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(socketFolder));
        await OpenAsync(new NpgsqlConnectionStringBuilder(overSocket.ConnectionString) { Password = server.Password }); // the right password gets in
    }

    [Fact]
    public void RabbitMQs_and_Rediss_configuration_which_hold_their_passwords_are_readable_by_their_owner_alone()
    {
        var rabbitConfig = Path.Combine(system.StateFolder, "rabbitmq", "rabbitmq.conf");
        var redisConfig = Path.Combine(system.StateFolder, "redis", "redis.conf");

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(rabbitConfig));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(redisConfig));
        Assert.Contains("default_pass", File.ReadAllText(rabbitConfig));
    }

    [Fact]
    public void RabbitMQs_Erlang_distribution_and_its_epmd_listen_on_loopback_only()
    {
        var distribution = system.App.GetEndpoint("rabbitmq", "dist").Port;
        var epmd = system.App.GetEndpoint("rabbitmq-epmd", "tcp").Port;

        Assert.All([distribution, epmd], port =>
        {
            var addresses = ListeningAddresses(port);
            Assert.NotEmpty(addresses);
            Assert.All(addresses, address => Assert.Contains(address, new[] { "127.0.0.1", "::1" }));
        });
    }

    private static async Task OpenAsync(NpgsqlConnectionStringBuilder connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString.ConnectionString);
        await connection.OpenAsync();
    }

    /// <summary>The local addresses of the TCP sockets listening on <paramref name="port"/>, from the kernel's tables.</summary>
    private static List<string> ListeningAddresses(int port)
    {
        var addresses = new List<string>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var local = columns[1].Split(':');
                if (columns[3] == "0A" && int.Parse(local[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == port)
                {
                    addresses.Add(local[0] switch
                    {
                        "0100007F" => "127.0.0.1",
                        "00000000" => "0.0.0.0",
                        "00000000000000000000000001000000" => "::1",
                        var other => other,
                    });
                }
            }
        }

        return addresses;
    }
}
