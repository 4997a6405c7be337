namespace RealtimeSync.Bench.SideBySide.Load;

/// <summary>
/// What a system answered to one batch publish: the changes it refused (their index in the batch) and why the first was,
/// for the report. A batch whose request failed as a whole throws instead.
/// </summary>
internal sealed record BatchReceipt(IReadOnlyList<int> Refused, string? Reason)
{
    public static BatchReceipt AllAccepted { get; } = new([], null);
}
