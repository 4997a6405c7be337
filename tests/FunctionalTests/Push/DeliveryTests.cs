using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.Push;

/// <summary>Exact delivery: every subscriber gets every change once, in offset order, across instances and reconnects.</summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class DeliveryTests(RealtimeSystem system)
{
    [Fact]
    public async Task Two_clients_on_different_instances_receive_1000_changes_in_offset_order_and_none_twice()
    {
        var collection = Topics.UniqueCollection();
        var topic = $"records/{collection}";
        var clients = await Topics.OnePerInstanceAsync(system);
        try
        {
            foreach (var client in clients)
            {
                await client.SubscribeAsync(topic);
            }

            await Writers.WriteChangesAsync(system, collection, 1000);

            foreach (var client in clients)
            {
                var messages = await client.MessagesAsync(1000, TimeSpan.FromMinutes(2));
                Writers.AssertContiguous(messages, first: 1);
                Assert.Equal(1000, messages.Select(message => (string?)message["eventId"]).Distinct().Count());
                Assert.Single(messages.Select(message => (string?)message["epoch"]).Distinct());
                Assert.Empty(await client.DrainMessagesAsync(TimeSpan.FromSeconds(1)));
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_client_asking_for_line_packed_messages_gets_a_burst_in_offset_order_and_none_twice()
    {
        var collection = Topics.UniqueCollection();
        var topic = $"records/{collection}";
        await using var client = await PushClient.ConnectAsync(system.GatewayWebSocket, system.Token("viewer-lines", "viewer"), lines: true);
        Assert.Equal("realtimesync.lines", client.SubProtocol);
        await client.SubscribeAsync(topic);

        await Writers.WriteChangesAsync(system, collection, 500);

        var messages = await client.MessagesAsync(500, TimeSpan.FromMinutes(2));
        Writers.AssertContiguous(messages, first: 1);
        Assert.Equal(500, messages.Select(message => (string?)message["eventId"]).Distinct().Count());
        Assert.Empty(await client.DrainMessagesAsync(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task A_client_that_reconnects_to_the_other_instance_with_its_offsets_gets_exactly_what_it_missed()
    {
        var collection = Topics.UniqueCollection();
        var topic = $"records/{collection}";
        var first = await system.ConnectAsync("viewer-2", "viewer");
        await first.SubscribeAsync(topic);
        await Writers.WriteChangesAsync(system, collection, 10);
        var seen = await first.MessagesAsync(10, TimeSpan.FromSeconds(30));
        var (epoch, last) = ((string)seen[^1]["epoch"]!, (long)seen[^1]["offset"]!);
        await first.DisposeAsync();

        await Writers.WriteChangesAsync(system, collection, 15);
        await using var second = await ConnectElsewhereAsync(first.Instance);
        await second.SubscribeAsync([topic], new Dictionary<string, (string, long)> { [topic] = (epoch, last) });

        var missed = await second.MessagesAsync(15, TimeSpan.FromSeconds(30));
        Writers.AssertContiguous(missed, first: last + 1);
        await Writers.WriteChangesAsync(system, collection, 1);
        Writers.AssertContiguous([await second.NextMessageAsync(TimeSpan.FromSeconds(20))], first: last + 16);
        Assert.Empty(await second.DrainMessagesAsync(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task A_client_whose_offset_fell_out_of_retention_or_whose_epoch_is_gone_is_told_to_resync()
    {
        var collection = Topics.UniqueCollection();
        var topic = $"records/{collection}";
        await Writers.WriteChangesAsync(system, collection, 1005); // the log keeps the last 1000
        var epoch = await Writers.WaitForOffsetAsync(system, topic, 1005);
        await using var client = await system.ConnectAsync("viewer-3", "viewer");

        await client.SubscribeAsync([topic], new Dictionary<string, (string, long)> { [topic] = (epoch, 2) });
        var trimmed = await client.NextControlAsync("resync", TimeSpan.FromSeconds(10));
        Assert.Equal(topic, (string?)trimmed["topic"]);
        Assert.Contains("history gone", (string?)trimmed["reason"]);
        Assert.Equal(1005, (long)trimmed["offset"]!);
        Assert.Empty(await client.DrainMessagesAsync(TimeSpan.FromSeconds(1)));

        await using var stale = await system.ConnectAsync("viewer-3", "viewer");
        await stale.SubscribeAsync([topic], new Dictionary<string, (string, long)> { [topic] = ("an-epoch-redis-lost", 7) });
        var lost = await stale.NextControlAsync("resync", TimeSpan.FromSeconds(10));
        Assert.Contains("epoch", (string?)lost["reason"]);
        Assert.Equal(epoch, (string?)lost["epoch"]);
    }

    /// <summary>
    /// A connection on another instance. DCP's proxy balances per TCP connection and the gateway reuses idle
    /// ones, so the connections that land on the avoided instance stay open until then: each try takes a new one.
    /// </summary>
    private async Task<PushClient> ConnectElsewhereAsync(string avoidInstance)
    {
        var landedThere = new List<PushClient>();
        try
        {
            for (var attempt = 0; attempt < 20; attempt++)
            {
                var client = await system.ConnectAsync("viewer-2", "viewer");
                if (client.Instance != avoidInstance)
                {
                    return client;
                }

                landedThere.Add(client);
            }

            throw new InvalidOperationException($"The gateway kept routing to {avoidInstance}.");
        }
        finally
        {
            foreach (var client in landedThere)
            {
                await client.DisposeAsync();
            }
        }
    }
}
