namespace RealtimeSync.ServiceDefaults;

/// <summary>Exponential backoff with full jitter, so replicas that failed together do not retry together.</summary>
public static class Backoff
{
    public static TimeSpan Exponential(int attempt, TimeSpan max, TimeSpan? initial = null)
    {
        var first = initial ?? TimeSpan.FromMilliseconds(200);
        var ceiling = Math.Min(max.TotalMilliseconds, first.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 20)));
        return TimeSpan.FromMilliseconds(ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2);
    }
}
