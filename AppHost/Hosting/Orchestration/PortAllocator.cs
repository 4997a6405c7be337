using System.Net;
using System.Net.Sockets;

namespace RealtimeSync.AppHost.Hosting.Orchestration;

/// <summary>
/// Picks free loopback ports, and checks that a fixed one is free before the run depends on it. A port is
/// chosen below the kernel's ephemeral range: a port from that range, free when checked, can be taken by
/// any outgoing connection's source port before its service binds it (a start that fails at random).
/// </summary>
internal static class PortAllocator
{
    private const int Lowest = 10_000;
    private static readonly HashSet<int> HandedOut = [];
    private static readonly Lazy<int> EphemeralStart = new(EphemeralRangeStart);

    public static int Free()
    {
        var below = EphemeralStart.Value;
        lock (HandedOut)
        {
            for (var attempt = 0; attempt < 200 && below > Lowest; attempt++)
            {
                var port = Random.Shared.Next(Lowest, below);
                if (!HandedOut.Contains(port) && CanBind(port))
                {
                    HandedOut.Add(port);
                    return port;
                }
            }

            using var listener = new TcpListener(IPAddress.Loopback, 0); // no room below the range: let the kernel choose
            listener.Start();
            var chosen = ((IPEndPoint)listener.LocalEndpoint).Port;
            HandedOut.Add(chosen);
            return chosen;
        }
    }

    public static void EnsureFree(int port, string owner)
    {
        if (!CanBind(port))
        {
            throw new InvalidOperationException($"Port {port} for {owner} is in use; choose another (for the gateway: --Gateway:Port=N or GATEWAY__PORT).");
        }
    }

    private static bool CanBind(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The first port the kernel hands to outgoing connections (Linux: ip_local_port_range; 32768 elsewhere).</summary>
    private static int EphemeralRangeStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32_768;
        }
    }
}
