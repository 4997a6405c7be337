namespace RealtimeSync.Hosting.LocalServers;

/// <summary>
/// How long to wait before starting a crashed process again: 1 s, doubling to 30 s while it keeps
/// crashing within a minute of its last start, back to 1 s once it has stayed up that long.
/// </summary>
internal sealed class RestartBackoff
{
    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan StableAfter = TimeSpan.FromMinutes(1);

    private DateTime? _lastRestart;
    private TimeSpan _lastDelay;

    public TimeSpan Next(DateTime now)
    {
        var delay = _lastRestart is { } last && now - last < StableAfter + _lastDelay
            ? TimeSpan.FromTicks(Math.Min(_lastDelay.Ticks * 2, MaxDelay.Ticks))
            : FirstDelay;
        (_lastRestart, _lastDelay) = (now, delay);
        return delay;
    }
}
