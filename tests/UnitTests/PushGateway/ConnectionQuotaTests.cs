using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RealtimeSync.PushGateway;
using RealtimeSync.PushGateway.Access;
using StackExchange.Redis;

namespace RealtimeSync.UnitTests.PushGateway;

public sealed class ConnectionQuotaTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static ConnectionQuota Quota(IConnectionCounts counts, int cap = 2) => Quota(counts, Leases(counts), cap);

    private static ConnectionQuota Quota(IConnectionCounts counts, ConnectionLeases leases, int cap = 2) =>
        new(counts, leases, Settings(cap), NullLogger<ConnectionQuota>.Instance);

    private static ConnectionLeases Leases(IConnectionCounts counts) => new(counts, Settings(2), NullLogger<ConnectionLeases>.Instance);

    private static IOptions<PushGatewayOptions> Settings(int cap) =>
        Options.Create(new PushGatewayOptions { MaxConnectionsPerUser = cap, ConnectionLease = TimeSpan.FromMinutes(1) });

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
    public async Task A_round_renews_every_lease_held_and_none_given_back()
    {
        var counts = new InMemoryConnectionCounts();
        var leases = Leases(counts);
        var quota = Quota(counts, leases);
        await using var first = await quota.AdmitAsync("ada", "c1", "websocket");
        var second = await quota.AdmitAsync("ada", "c2", "sse");
        await using var third = await quota.AdmitAsync("grace", "c3", "websocket");
        await second!.DisposeAsync();

        await leases.RenewAsync().WaitAsync(Bound);

        Assert.Equal(
            [new HeldConnection("ada", "c1"), new HeldConnection("grace", "c3")],
            counts.Renewed().OrderBy(held => held.ConnectionId, StringComparer.Ordinal));
        Assert.Equal(2, leases.Count);
    }

    [Fact]
    public async Task A_call_that_fails_for_another_reason_than_an_outage_leaves_the_rest_of_the_round_going()
    {
        var counts = new InMemoryConnectionCounts { RefusedInRenewal = "c0" };
        var leases = Leases(counts);
        var held = Enumerable.Range(0, 1_001).Select(i => leases.Hold("ada", $"c{i}")).ToList(); // three calls: 500, 500, 1

        await leases.RenewAsync().WaitAsync(Bound);

        Assert.Equal(501, counts.Renewed().Count); // the two calls without c0 (held first, so in the first call of 500)
        Assert.DoesNotContain(counts.Renewed(), renewed => renewed.ConnectionId == "c0");
        foreach (var lease in held)
        {
            await lease.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_lease_given_back_during_a_round_is_removed_after_that_round_so_the_round_cannot_count_it_again()
    {
        var counts = new InMemoryConnectionCounts();
        var leases = Leases(counts);
        var lease = await Quota(counts, leases).AdmitAsync("ada", "c1", "websocket");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        counts.RenewalGate = gate.Task;

        var round = leases.RenewAsync();
        var release = lease!.DisposeAsync().AsTask();
        Assert.False(release.IsCompleted); // it waits for the round that holds it
        Assert.Equal(["c1"], counts.Counted("ada"));
        gate.SetResult();
        await Task.WhenAll(round, release).WaitAsync(Bound);

        Assert.Equal([new HeldConnection("ada", "c1")], counts.Renewed());
        Assert.Empty(counts.Counted("ada"));
        Assert.Equal(0, leases.Count);
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

    [Fact]
    public async Task A_connection_let_in_uncounted_is_counted_by_the_first_round_once_the_count_answers()
    {
        var counts = new InMemoryConnectionCounts { Outage = Task.FromException(new RedisConnectionException(ConnectionFailureType.UnableToConnect, "down")) };
        var leases = Leases(counts);
        await using var lease = await Quota(counts, leases, cap: 0).AdmitAsync("ada", "c1", "websocket");
        await leases.RenewAsync().WaitAsync(Bound); // still down: nothing, quietly
        Assert.Empty(counts.Counted("ada"));

        counts.Outage = null;
        await leases.RenewAsync().WaitAsync(Bound);

        Assert.Equal(["c1"], counts.Counted("ada"));
    }
}
