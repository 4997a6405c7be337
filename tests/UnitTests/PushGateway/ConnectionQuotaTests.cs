using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RealtimeSync.PushGateway;
using RealtimeSync.PushGateway.Access;
using StackExchange.Redis;

namespace RealtimeSync.UnitTests.PushGateway;

public sealed class ConnectionQuotaTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static ConnectionQuota Quota(IConnectionCounts counts, int cap = 2, TimeSpan? lease = null) => new(
        counts, Options.Create(new PushGatewayOptions { MaxConnectionsPerUser = cap, ConnectionLease = lease ?? TimeSpan.FromMinutes(1) }), NullLogger<ConnectionQuota>.Instance);

    [Fact]
    public async Task The_connection_over_the_cap_is_refused_and_other_users_are_not_affected()
    {
        var quota = Quota(new InMemoryConnectionCounts());

        await using var first = await quota.AdmitAsync("ada", "c1", "websocket");
        await using var second = await quota.AdmitAsync("ada", "c2", "sse");
        var third = await quota.AdmitAsync("ada", "c3", "websocket");
        await using var other = await quota.AdmitAsync("grace", "c4", "websocket");

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Null(third);
        Assert.NotNull(other);
    }

    [Fact]
    public async Task A_lease_given_back_frees_its_slot()
    {
        var quota = Quota(new InMemoryConnectionCounts(), cap: 1);

        var first = await quota.AdmitAsync("ada", "c1", "websocket");
        Assert.Null(await quota.AdmitAsync("ada", "c2", "websocket"));
        await first!.DisposeAsync();

        await using var again = await quota.AdmitAsync("ada", "c3", "websocket");
        Assert.NotNull(again);
    }

    [Fact]
    public async Task A_held_lease_is_renewed()
    {
        var counts = new InMemoryConnectionCounts();
        await using var lease = await Quota(counts, lease: TimeSpan.FromMilliseconds(300)).AdmitAsync("ada", "c1", "websocket");

        await counts.RenewedTwice.WaitAsync(Bound);
    }

    public static TheoryData<string> Outages => ["silent", "refusing"];

    [Theory]
    [MemberData(nameof(Outages))]
    public async Task When_the_count_does_not_answer_the_connection_is_let_in_and_given_back_without_waiting_for_it(string outage)
    {
        var counts = new InMemoryConnectionCounts
        {
            Outage = outage == "silent" ? new TaskCompletionSource().Task : Task.FromException(new RedisConnectionException(ConnectionFailureType.UnableToConnect, "down")),
        };
        var quota = Quota(counts, cap: 0);

        var lease = await quota.AdmitAsync("ada", "c1", "websocket").WaitAsync(Bound);

        Assert.NotNull(lease);
        await lease.DisposeAsync().AsTask().WaitAsync(Bound);
    }
}
