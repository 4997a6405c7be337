using RealtimeSync.Bench.SideBySide.Load;

namespace RealtimeSync.Bench.SideBySide.Measures;

/// <summary>
/// One request of the change-rate round: changes <see cref="From"/> to <see cref="From"/> + <see cref="Count"/> - 1 of the
/// round (by index), when it was sent and answered (Stopwatch), and the system's receipt, or why the request failed whole.
/// </summary>
internal sealed record PublishedBatch(int From, int Count, long SentAt, long AnsweredAt, BatchReceipt? Receipt, string? Failure);
