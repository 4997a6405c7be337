using RealtimeSync.Bench.SideBySide.Processes;

namespace RealtimeSync.Bench.SideBySide.Measures;

/// <summary>One burst or paced round of one system, over every subscriber.</summary>
internal sealed record RoundResult
{
    public required int Subscribers { get; init; }

    public required int Published { get; init; }

    public long Expected => (long)Published * Subscribers;

    public required long Delivered { get; init; }

    /// <summary>What came twice, unasked or out of order, and how late (publish → receipt; commit → receipt for RealtimeSync, NaN for the peers).</summary>
    public required Receipts Receipts { get; init; }

    /// <summary>Subscribers that got every message of the round.</summary>
    public required int Complete { get; init; }

    /// <summary>From the first publish to the last receipt.</summary>
    public required TimeSpan Elapsed { get; init; }

    public double DeliveriesPerSecond => Delivered / Elapsed.TotalSeconds;

    /// <summary>How long a publish (a peer's POST /publish, RealtimeSync's PUT) took, median.</summary>
    public required double WriteP50 { get; init; }

    public required double BytesPerDelivery { get; init; }

    /// <summary>Messages per WebSocket message that carried any (above 1 when the server packs them).</summary>
    public required double DeliveriesPerFrame { get; init; }

    public required IReadOnlyList<CpuShare> Cpu { get; init; }

    /// <summary>This process's CPU meanwhile: the load generator (and for RealtimeSync the AppHost it hosts).</summary>
    public required double LoadGeneratorCpu { get; init; }

    public double FanOutCpu => Cpu.Where(share => share.Process.Role is PathRole.Connections or PathRole.Backplane).Sum(share => share.Seconds);

    public double SystemCpu => Cpu.Where(share => share.Process.Role is not PathRole.Other).Sum(share => share.Seconds);

    public double FanOutMicrosPerDelivery => FanOutCpu * 1e6 / Delivered;

    public double SystemMicrosPerDelivery => SystemCpu * 1e6 / Delivered;

    public long Missing => Expected - Delivered;
}
