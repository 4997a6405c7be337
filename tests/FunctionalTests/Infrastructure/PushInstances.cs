using System.Net.WebSockets;

namespace RealtimeSync.FunctionalTests.Infrastructure;

/// <summary>
/// The push-gateway replicas behind the gateway. Right after they start (the fixture's start, or a replica's restart)
/// one may run without listening yet, and a connection routed to it waits: tests start once both serve.
/// </summary>
public static class PushInstances
{
    public static async Task UntilBothServeAsync(RealtimeSystem system)
    {
        var seen = new HashSet<string>();
        await Wait.UntilAsync(
            async () =>
            {
                if (await InstanceOfNewConnectionAsync(system) is { } instance)
                {
                    seen.Add(instance);
                }

                return seen.Count == 2;
            },
            TimeSpan.FromMinutes(2),
            "the two push-gateway replicas did not both serve WebSocket connections within two minutes");
    }

    /// <summary>The instance a new connection lands on, or null when it got none (a replica starting).</summary>
    private static async Task<string?> InstanceOfNewConnectionAsync(RealtimeSystem system)
    {
        try
        {
            await using var probe = await system.ConnectAsync("instance-probe", "viewer");
            return probe.Instance;
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or TimeoutException or InvalidOperationException)
        {
            return null;
        }
    }
}
