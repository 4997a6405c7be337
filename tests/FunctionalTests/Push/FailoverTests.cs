using System.Diagnostics;
using System.Text.Json.Nodes;
using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.Push;

/// <summary>An instance dies mid-stream: its clients reconnect through the gateway, resume from their offsets, and lose nothing.</summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class FailoverTests(RealtimeSystem system)
{
    private const int Changes = 40;

    [Fact]
    public async Task Killing_a_push_gateway_instance_its_clients_reconnect_through_the_gateway_and_lose_nothing()
    {
        var collection = Topics.UniqueCollection();
        var topic = $"records/{collection}";
        var clients = await Topics.OnePerInstanceAsync(system, "viewer-5");
        var victim = clients[0];
        var survivor = clients.Single(client => client != victim);
        foreach (var client in clients)
        {
            await client.SubscribeAsync(topic);
        }

        var writing = WriteSlowlyAsync(collection);
        var received = await victim.MessagesAsync(10, TimeSpan.FromSeconds(30));

        Process.GetProcessById(system.ProcessIdOfPushGateway(victim.Instance)).Kill(entireProcessTree: true);
        await victim.WaitClosedAsync(TimeSpan.FromSeconds(30));
        received.AddRange(await victim.DrainMessagesAsync(TimeSpan.FromMilliseconds(200)));
        await victim.DisposeAsync();

        var (epoch, last) = ((string)received[^1]["epoch"]!, (long)received[^1]["offset"]!);
        await using var resumed = await ReconnectAsync(topic, epoch, last);
        await writing;
        received.AddRange(await resumed.MessagesAsync(Changes - received.Count, TimeSpan.FromSeconds(60)));

        Writers.AssertContiguous(received, first: 1);
        Assert.Empty(await resumed.DrainMessagesAsync(TimeSpan.FromSeconds(1)));
        Writers.AssertContiguous(await survivor.MessagesAsync(Changes, TimeSpan.FromSeconds(60)), first: 1);
        await survivor.DisposeAsync();
        await PushInstances.UntilBothServeAsync(system); // restarted: the fixture as it was, for the tests after this one
    }

    /// <summary>A client's reconnect loop: through the gateway, with backoff, until an instance takes it.</summary>
    private async Task<PushClient> ReconnectAsync(string topic, string epoch, long offset)
    {
        var clock = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var client = await system.ConnectAsync("viewer-5", "viewer");
                await client.SubscribeAsync([topic], new Dictionary<string, (string, long)> { [topic] = (epoch, offset) });
                return client;
            }
            catch (Exception ex) when (clock.Elapsed < TimeSpan.FromSeconds(45) && ex is not Xunit.Sdk.XunitException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 100 * Math.Pow(2, attempt))));
            }
        }
    }

    private async Task WriteSlowlyAsync(string collection)
    {
        using var editor = system.ClientFor("failover-editor", "editor");
        for (var n = 1; n <= Changes; n++)
        {
            await Writers.PutAsync(editor, collection, "r1", new JsonObject { ["sequence"] = n });
            await Task.Delay(50);
        }
    }
}
