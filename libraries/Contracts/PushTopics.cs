namespace RealtimeSync.Contracts;

/// <summary>The topic names a record change is pushed on; shared by the notifier and every client.</summary>
public static class PushTopics
{
    public static string ForCollection(string collection) => $"records/{collection}";

    public static string ForRecord(string collection, string recordId) => $"records/{collection}/{recordId}";
}
