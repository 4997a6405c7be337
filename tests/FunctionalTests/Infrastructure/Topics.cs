namespace RealtimeSync.FunctionalTests.Infrastructure;

internal static class Topics
{
    /// <summary>A collection no other test writes to, so each test sees only its own messages.</summary>
    public static string UniqueCollection() => "t" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>
    /// Opens WebSocket connections through the gateway until every push-gateway replica holds at least
    /// one (DCP's proxy in front of the replicas balances per TCP connection), and fails if that does not happen within a few tries.
    /// </summary>
    public static async Task<List<PushClient>> ConnectToEveryInstanceAsync(RealtimeSystem system, int expectedInstances, string user = "viewer-1", params string[] roles)
    {
        var clients = new List<PushClient>();
        for (var attempt = 0; attempt < expectedInstances * 10 && clients.Select(client => client.Instance).Distinct().Count() < expectedInstances; attempt++)
        {
            clients.Add(await system.ConnectAsync(user, roles.Length > 0 ? roles : ["viewer"]));
        }

        Assert.Equal(expectedInstances, clients.Select(client => client.Instance).Distinct().Count());
        return clients;
    }

    /// <summary>One client on each push-gateway instance (the extra connections made to get there are closed).</summary>
    public static async Task<List<PushClient>> OnePerInstanceAsync(RealtimeSystem system, string user = "viewer-1", params string[] roles)
    {
        var all = await ConnectToEveryInstanceAsync(system, 2, user, roles);
        var chosen = all.GroupBy(client => client.Instance).Select(group => group.First()).ToList();
        foreach (var extra in all.Except(chosen))
        {
            await extra.DisposeAsync();
        }

        return chosen;
    }
}
