namespace RealtimeSync.Bench.SideBySide.Measures;

/// <summary>
/// The change-rate round of one system: what was offered, sent and accepted, what reached the subscribers, how fast and how
/// late. Deliveries are counted against the accepted changes: a refused one is not expected to arrive.
/// </summary>
internal sealed record RateResult
{
    public required int Subscribers { get; init; }

    /// <summary>Changes per second offered, for <see cref="Seconds"/>.</summary>
    public required int Rate { get; init; }

    public required int Seconds { get; init; }

    /// <summary>Changes the schedule offered (<see cref="Rate"/> x <see cref="Seconds"/>).</summary>
    public required int Offered { get; init; }

    /// <summary>Changes put in a request before the publish deadline; the rest are <see cref="Unsent"/>.</summary>
    public required int Sent { get; init; }

    /// <summary>Changes the system said it took (a 2xx for a peer's batch; each operation's 200 or 201 for RealtimeSync's).</summary>
    public required int Accepted { get; init; }

    public required int Requests { get; init; }

    /// <summary>Requests that failed as a whole (an error status, a timeout): all their changes count as refused.</summary>
    public required int FailedRequests { get; init; }

    /// <summary>Why the first refused change or failed request was refused.</summary>
    public string? FirstRefusal { get; init; }

    /// <summary>From the first request sent to the last one answered.</summary>
    public required TimeSpan Publishing { get; init; }

    /// <summary>The most a request was sent after its first change was due (the in-flight bound holding the publishers back).</summary>
    public required double MaxScheduleLagMs { get; init; }

    /// <summary>Deliveries of accepted changes (each subscriber's own count, duplicates not included).</summary>
    public required long Delivered { get; init; }

    /// <summary>Changes that every subscriber received.</summary>
    public required int DeliveredToAll { get; init; }

    /// <summary>What came twice, unasked or out of order, and how late.</summary>
    public required Receipts Receipts { get; init; }

    /// <summary>From the first request sent to the last receipt.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>From the last request answered to the last receipt (zero when everything was in before the answer).</summary>
    public required TimeSpan Drain { get; init; }

    /// <summary>Whether the wait for the last deliveries ran out with some still missing.</summary>
    public required bool DrainTimedOut { get; init; }

    /// <summary>What each server process spent in CPU during the round (publishing and draining).</summary>
    public required IReadOnlyList<CpuShare> Cpu { get; init; }

    /// <summary>CPU seconds this process (publisher and subscribers) spent during the round.</summary>
    public required double LoadGeneratorCpu { get; init; }

    public int Unsent => Offered - Sent;

    public int Refused => Sent - Accepted;

    public double AcceptedPerSecond => Accepted / Publishing.TotalSeconds;

    /// <summary>Issue 12's figure: changes that reached every subscriber, over the time from the first publish to the last receipt.</summary>
    public double SustainedPerSecond => DeliveredToAll / Elapsed.TotalSeconds;

    public long Expected => (long)Accepted * Subscribers;

    public long Missing => Expected - Delivered;
}
