using RealtimeSync.Hosting.LocalServers;

namespace RealtimeSync.UnitTests.Hosting;

public sealed class RestartBackoffTests
{
    private static readonly DateTime Start = new(2026, 12, 1, 8, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_process_that_keeps_crashing_waits_twice_as_long_each_time_up_to_thirty_seconds()
    {
        var backoff = new RestartBackoff();
        var now = Start;
        var delays = new List<TimeSpan>();
        for (var crash = 0; crash < 8; crash++)
        {
            var delay = backoff.Next(now);
            delays.Add(delay);
            now += delay + TimeSpan.FromSeconds(2); // it crashes again two seconds after each start
        }

        Assert.Equal([1, 2, 4, 8, 16, 30, 30, 30], delays.Select(delay => delay.TotalSeconds));
    }

    [Fact]
    public void A_process_that_stayed_up_past_a_minute_is_restarted_after_a_second_again()
    {
        var backoff = new RestartBackoff();
        backoff.Next(Start);
        var second = backoff.Next(Start.AddSeconds(5));

        var afterStableRun = backoff.Next(Start.AddSeconds(5) + second + TimeSpan.FromMinutes(2));

        Assert.Equal(TimeSpan.FromSeconds(2), second);
        Assert.Equal(RestartBackoff.FirstDelay, afterStableRun);
    }
}
