namespace RealtimeSync.Contracts;

/// <summary>
/// One change of a <see cref="RecordChanges"/> batch with the W3C trace context it was published in, so its consumers
/// continue the change's own trace rather than the batch's.
/// </summary>
public sealed record TracedChange(RecordChanged Change, string? TraceParent, string? TraceState);
