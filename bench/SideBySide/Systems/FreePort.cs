using System.Net;
using System.Net.Sockets;

namespace RealtimeSync.Bench.SideBySide.Systems;

/// <summary>Ports for the servers the benchmark starts: one the kernel just handed out, so free unless taken in the moment between.</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
