namespace RealtimeSync.FunctionalTests.Infrastructure;

/// <summary>The one way tests wait for the asynchronous pipeline: check a condition until it holds, failing with a reason when time is up.</summary>
internal static class Wait
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(200);

    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string failure) => UntilAsync(condition, timeout, () => failure);

    /// <summary>As above, with a failure message written when time is up, so it can tell what the last check saw.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> failure)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                Assert.Fail(failure());
            }

            await Task.Delay(Pause);
        }
    }

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string failure) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, () => failure);

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> failure) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, failure);

    /// <summary>Asks <paramref name="probe"/> until it finds something, and returns it.</summary>
    public static async Task<T> ForAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string failure)
        where T : class
    {
        T? found = null;
        await UntilAsync(async () => (found = await probe()) is not null, timeout, failure);
        return found!;
    }

    /// <summary>
    /// That something does not happen can only be seen over a while: checks <paramref name="condition"/> throughout
    /// <paramref name="window"/>, failing as soon as it stops holding.
    /// </summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan window, string failure)
    {
        var end = DateTime.UtcNow + window;
        do
        {
            Assert.True(await condition(), failure);
            await Task.Delay(Pause);
        }
        while (DateTime.UtcNow < end);
        Assert.True(await condition(), failure);
    }
}
