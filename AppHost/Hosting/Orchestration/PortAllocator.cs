using System.Net;
using System.Net.Sockets;

namespace RealtimeSync.AppHost.Hosting.Orchestration;

/// <summary>Picks free loopback ports, and checks that a fixed one is free before the run depends on it.</summary>
internal static class PortAllocator
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static void EnsureFree(int port, string owner)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
        }
        catch (SocketException ex)
        {
            throw new InvalidOperationException($"Port {port} for {owner} is in use; choose another (for the gateway: --Gateway:Port=N or GATEWAY__PORT).", ex);
        }
    }
}
