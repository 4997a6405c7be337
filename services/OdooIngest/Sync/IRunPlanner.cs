namespace RealtimeSync.OdooIngest.Sync;

/// <summary>Decides, from a stream's state and the time, what its next run reads (<see cref="RunPlan"/>).</summary>
public interface IRunPlanner
{
    RunPlan Plan(StreamCheckpoint state, SyncStreamOptions options, DateTimeOffset now);
}
