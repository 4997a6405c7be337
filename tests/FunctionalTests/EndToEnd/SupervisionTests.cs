using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.EndToEnd;

/// <summary>The AppHost notices a crashed service, restarts it with backoff, and the path works again.</summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class SupervisionTests(RealtimeSystem system)
{
    [Fact]
    public async Task A_crashed_change_notifier_is_restarted_and_changes_flow_again()
    {
        var crashed = system.ProcessIds("change-notifier").Single()!.Value;
        Process.GetProcessById(crashed).Kill(entireProcessTree: true);

        var restarted = await WaitForAsync(() => system.ProcessIds("change-notifier").Single() is { } pid && pid != crashed, TimeSpan.FromMinutes(1));
        Assert.True(restarted, "the AppHost did not restart change-notifier within a minute");

        var collection = Topics.UniqueCollection();
        await using var client = await system.ConnectAsync("viewer-1", "viewer");
        await client.SubscribeAsync($"records/{collection}");
        var response = await system.Gateway.PutAsJsonAsync($"/api/records/{collection}/after-crash", new { ok = true });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        var message = await client.NextMessageAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("after-crash", (string?)message["payload"]!["id"]);
    }

    private static async Task<bool> WaitForAsync(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(200);
        }

        return false;
    }
}
