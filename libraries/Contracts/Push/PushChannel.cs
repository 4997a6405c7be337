namespace RealtimeSync.Contracts.Push;

/// <summary>Redis names shared by the writers (change-notifier, push-gateway's send and broadcast) and the readers (every push-gateway).</summary>
public static class PushChannel
{
    /// <summary>Pub/sub channel every push-gateway instance listens on.</summary>
    public const string Name = "rs:push";

    /// <summary>Hash of a topic's epoch, last offset and last change time.</summary>
    public static string HeadKey(string topic) => $"rs:topic:{{{topic}}}";

    /// <summary>Redis stream whose entry ids are <c>{offset}-0</c>, so replay after an offset is one XRANGE.</summary>
    public static string LogKey(string topic) => $"rs:topic:{{{topic}}}:log";
}
