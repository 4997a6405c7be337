namespace RealtimeSync.ChangeNotifier.Notifications;

/// <summary>How change-notifier treats an event it cannot apply (configuration section <c>SetAside</c>).</summary>
public sealed class SetAsideOptions
{
    /// <summary>Tries before the event is set aside; failures of Redis never count.</summary>
    public int Attempts { get; set; } = 3;

    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Set-aside events kept in Redis at most; past this one is logged and counted, not kept.</summary>
    public int MaxKept { get; set; } = 10_000;
}
