using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using RealtimeSync.PushGateway.Delivery;
using StackExchange.Redis;

namespace RealtimeSync.PushGateway.Http;

/// <summary>One instance's connection counts, as it reports them to the others.</summary>
public sealed record InstanceSnapshot(string Instance, int WebSockets, int Sse, long TotalConnections, int Subscriptions, int QueuedFrames, long ReportedAt);

/// <summary>
/// Each instance writes its counts to Redis every few seconds with a short expiry, so <c>/api/sync/status</c>
/// on any instance can show every live instance and the total; a dead instance drops out on its own. The same
/// counts are this instance's <c>realtimesync.push.connections</c> and <c>realtimesync.push.subscriptions</c>.
/// </summary>
public sealed class InstanceStats(IConnectionMultiplexer redis, SubscriptionRegistry registry, IOptions<PushGatewayOptions> options) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(3);
    private const string Set = "rs:instances";

    private readonly ObservableUpDownCounter<int> _connections = PushTelemetry.Meter.CreateObservableUpDownCounter(
        "realtimesync.push.connections", () => ByTransport(registry), "{connection}", "Client connections this instance holds");

    private readonly ObservableUpDownCounter<int> _subscriptions = PushTelemetry.Meter.CreateObservableUpDownCounter(
        "realtimesync.push.subscriptions", () => registry.SubscriptionCount, "{subscription}", "Topic subscriptions this instance holds");

    public InstanceSnapshot Local()
    {
        var connections = registry.Connections.ToList();
        return new InstanceSnapshot(
            options.Value.InstanceId,
            connections.Count(connection => connection.Transport == "websocket"),
            connections.Count(connection => connection.Transport == "sse"),
            registry.AcceptedTotal,
            registry.SubscriptionCount,
            connections.Sum(connection => connection.QueuedFrames),
            DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }

    public async Task<IReadOnlyList<InstanceSnapshot>> AllAsync()
    {
        var database = redis.GetDatabase();
        var names = await database.SetMembersAsync(Set);
        var snapshots = new List<InstanceSnapshot>();
        foreach (var name in names)
        {
            var fields = (await database.HashGetAllAsync(Key(name!))).ToDictionary(entry => (string)entry.Name!, entry => entry.Value);
            if (fields.Count == 0)
            {
                await database.SetRemoveAsync(Set, name); // expired: the instance is gone
                continue;
            }

            snapshots.Add(new InstanceSnapshot(name!, (int)fields["ws"], (int)fields["sse"], (long)fields["total"], (int)fields["subs"], (int)fields["queued"], (long)fields["at"]));
        }

        return snapshots.OrderBy(snapshot => snapshot.Instance, StringComparer.Ordinal).ToList();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var local = Local();
                var database = redis.GetDatabase();
                await database.HashSetAsync(Key(local.Instance),
                [
                    new("ws", local.WebSockets), new("sse", local.Sse), new("total", local.TotalConnections),
                    new("subs", local.Subscriptions), new("queued", local.QueuedFrames), new("at", local.ReportedAt),
                ]);
                await database.KeyExpireAsync(Key(local.Instance), Interval * 4);
                await database.SetAddAsync(Set, local.Instance);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // Redis is away; /health says so, and the next tick tries again.
            }

            try
            {
                await timer.WaitForNextTickAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static string Key(string instance) => $"rs:instance:{instance}";

    private static IEnumerable<Measurement<int>> ByTransport(SubscriptionRegistry registry) =>
        registry.Connections.GroupBy(connection => connection.Transport)
            .Select(group => new Measurement<int>(group.Count(), new KeyValuePair<string, object?>("realtimesync.push.transport", group.Key)));
}
