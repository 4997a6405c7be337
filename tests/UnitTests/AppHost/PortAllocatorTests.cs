using System.Net;
using System.Net.Sockets;
using RealtimeSync.AppHost.Hosting.Orchestration;

namespace RealtimeSync.UnitTests.AppHost;

public sealed class PortAllocatorTests
{
    [Fact]
    public void Ports_come_from_below_the_ephemeral_range_are_bindable_and_never_handed_out_twice()
    {
        var ephemeralStart = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0]);

        var ports = Enumerable.Range(0, 50).Select(_ => PortAllocator.Free()).ToList();

        Assert.All(ports, port => Assert.InRange(port, 10_000, ephemeralStart - 1)); // no outgoing connection can take them meanwhile
        Assert.Equal(ports.Count, ports.Distinct().Count());
        using var listener = new TcpListener(IPAddress.Loopback, ports[^1]);
        listener.Start();
    }
}
