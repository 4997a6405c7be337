namespace RealtimeSync.PushGateway.Presence;

/// <summary>The loop of presence's background work: once per interval until the instance stops; Redis not answering is logged and waited out.</summary>
internal static class PresenceTicks
{
    public static async Task RunAsync(TimeSpan interval, Func<Task> work, Action<Exception> unanswered, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await work();
                }
                catch (Exception ex) when (PresenceStore.IsUnanswered(ex))
                {
                    unanswered(ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
