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

        await Wait.UntilAsync(() => system.ProcessIds("change-notifier").Single() is { } pid && pid != crashed, TimeSpan.FromMinutes(1),
            "the AppHost did not restart change-notifier within a minute");
        // The new process answers its readiness probe once its bus and Redis are connected.
        await Readiness.UntilReadyAsync(system, "change-notifier", TimeSpan.FromMinutes(1), "the restarted change-notifier did not become ready within a minute");

        var collection = Topics.UniqueCollection();
        await using var client = await system.ConnectAsync("viewer-1", "viewer");
        await client.SubscribeAsync($"records/{collection}");
        var response = await system.Gateway.PutAsJsonAsync($"/api/records/{collection}/after-crash", new { ok = true });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        var message = await client.NextMessageAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("after-crash", (string?)message["payload"]!["id"]);
    }
}
