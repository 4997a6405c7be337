namespace RealtimeSync.FunctionalTests.Infrastructure;

/// <summary>The one way tests wait for the asynchronous pipeline: check a condition until it holds, failing with a reason when time is up.</summary>
internal static class Wait
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(200);

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string failure)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(Pause);
        }
    }

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string failure) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, failure);
}
