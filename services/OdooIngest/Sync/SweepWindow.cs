namespace RealtimeSync.OdooIngest.Sync;

/// <summary>
/// One overlap sweep: the overlap starts at <see cref="From"/>, and what was written between the previous sweep's
/// start (<see cref="ListFrom"/>) and it is leaving the overlap now. Those get a last look in full, whatever their
/// write_date says: a late commit that shares its whole-second write_date with the version stored is told apart
/// only by its content.
/// </summary>
public sealed record SweepWindow(DateTimeOffset ListFrom, DateTimeOffset From);
