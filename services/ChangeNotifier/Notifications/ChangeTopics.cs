using RealtimeSync.Contracts;

namespace RealtimeSync.ChangeNotifier.Notifications;

/// <summary>
/// The topics a change is pushed on, once its collection and record id are known to be topic segments (push-gateway's
/// grammar for a subscription). Anything else would push where no client can subscribe, or onto another record's topic
/// (a '/' in either), so such a change is refused as the event's own failure.
/// </summary>
public static class ChangeTopics
{
    public static string[] For(RecordChanged change)
    {
        Check(change.Collection, "collection");
        Check(change.RecordId, "record id");
        return [PushTopics.ForCollection(change.Collection), PushTopics.ForRecord(change.Collection, change.RecordId)];
    }

    private static void Check(string? segment, string what)
    {
        if (!PushTopics.IsSegment(segment))
        {
            throw new InvalidDataException(
                $"The {what} '{segment}' cannot name a push topic: 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }
    }
}
