namespace RealtimeSync.Contracts;

/// <summary>Span attributes that name a change, the same in every service so one query finds a change's spans.</summary>
public static class ChangeTags
{
    public const string EventId = "realtimesync.event.id";
    public const string Collection = "realtimesync.collection";
    public const string RecordId = "realtimesync.record.id";
    public const string Topic = "realtimesync.topic";
}
