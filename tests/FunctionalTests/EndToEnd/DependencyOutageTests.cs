using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using RealtimeSync.FunctionalTests.Infrastructure;
using RealtimeSync.ServiceDefaults.Auth;

namespace RealtimeSync.FunctionalTests.EndToEnd;

/// <summary>
/// PostgreSQL and Redis stopped or frozen (SIGSTOP: sockets open, nothing answers): requests that need them get
/// a 503 problem with Retry-After within the configured bound (Outages:RequestTimeout, 10 s by default), a
/// refused write is not applied, requests that do not need them go on, and the system recovers by itself.
/// </summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class DependencyOutageTests(RealtimeSystem system)
{
    /// <summary>The request timeout, and slack for a loaded machine.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10 + 5);

    private static readonly TimeSpan Recovery = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_frozen_postgresql_gets_a_bounded_503_with_retry_after_and_the_refused_write_is_not_applied()
    {
        var collection = Topics.UniqueCollection();
        await WriteAsync(collection, "before", HttpStatusCode.Created);

        using (FrozenProcess.Freeze(ServerProcess("postgres")))
        {
            await AssertUnavailableAsync(() => system.Gateway.PutAsJsonAsync($"/api/records/{collection}/refused", new { status = "frozen" }));
            await AssertUnavailableAsync(() => system.Gateway.GetAsync($"/api/records/{collection}/before"));
        }

        await WaitUntilWritableAsync(collection);
        Assert.Equal(HttpStatusCode.NotFound, (await system.Gateway.GetAsync($"/api/records/{collection}/refused")).StatusCode);
    }

    [Fact]
    public async Task A_stopped_postgresql_gets_a_503_with_retry_after_and_writes_succeed_once_it_is_back()
    {
        var collection = Topics.UniqueCollection();
        await system.StopResourceAsync("postgres");
        try
        {
            await AssertUnavailableAsync(() => system.Gateway.PutAsJsonAsync($"/api/records/{collection}/refused", new { status = "down" }));
            await AssertUnavailableAsync(() => system.Gateway.GetAsync($"/api/records/{collection}"));
        }
        finally
        {
            await system.StartResourceAsync("postgres");
        }

        await WaitUntilWritableAsync(collection);
        Assert.Equal(HttpStatusCode.NotFound, (await system.Gateway.GetAsync($"/api/records/{collection}/refused")).StatusCode);
    }

    [Fact]
    public async Task A_frozen_redis_lets_api_requests_pass_the_rate_limiter_and_polling_answers_503()
    {
        var collection = Topics.UniqueCollection();
        using var viewer = await WarmClientAsync("viewer-frozen-redis");
        Assert.Equal(HttpStatusCode.OK, (await system.Gateway.GetAsync($"/api/records/{collection}")).StatusCode);
        using (FrozenProcess.Freeze(ServerProcess("redis")))
        {
            // Records need PostgreSQL only: the rate limiter gives up on Redis and lets them through, each time.
            for (var i = 0; i < 3; i++)
            {
                var started = Stopwatch.StartNew();
                var listing = await system.Gateway.GetAsync($"/api/records/{collection}");
                Assert.Equal(HttpStatusCode.OK, listing.StatusCode);
                Assert.False(listing.Headers.Contains("RateLimit-Remaining"), "passed uncounted");
                Assert.True(started.Elapsed < Bound, $"a records read took {started.Elapsed} while Redis was frozen");
            }

            await AssertUnavailableAsync(() => viewer.GetAsync("/api/sync/poll?since=0"));
        }

        await WaitUntilPollingAsync(viewer);
        await WaitUntilWritableAsync(collection);
    }

    [Fact]
    public async Task A_stopped_redis_gets_polling_a_503_with_retry_after_while_records_go_on()
    {
        var collection = Topics.UniqueCollection();
        using var viewer = await WarmClientAsync("viewer-stopped-redis");
        await system.StopResourceAsync("redis");
        try
        {
            await AssertUnavailableAsync(() => viewer.GetAsync("/api/sync/poll?since=0"));
            Assert.Equal(HttpStatusCode.OK, (await system.Gateway.GetAsync($"/api/records/{collection}")).StatusCode);
        }
        finally
        {
            await system.StartResourceAsync("redis");
        }

        await WaitUntilPollingAsync(viewer);
        await WaitUntilWritableAsync(collection);
    }

    /// <summary>A viewer's client with its connection to the gateway open, so what is timed is the answer, not a first connect.</summary>
    private async Task<HttpClient> WarmClientAsync(string user)
    {
        var client = system.ClientFor(user, Roles.Viewer);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/sync/poll?since=0")).StatusCode);
        return client;
    }

    private int ServerProcess(string resource) =>
        system.ProcessIds(resource) is [{ } pid] ? pid : throw new InvalidOperationException($"{resource} has no single running process.");

    private static async Task AssertUnavailableAsync(Func<Task<HttpResponseMessage>> request)
    {
        var started = Stopwatch.StartNew();
        using var response = await request();
        var elapsed = started.Elapsed;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "a 503 says when to retry");
        Assert.True(elapsed < Bound, $"answered after {elapsed}, beyond the bound {Bound}");
    }

    private async Task WriteAsync(string collection, string id, HttpStatusCode expected)
    {
        var response = await system.Gateway.PutAsJsonAsync($"/api/records/{collection}/{id}", new { status = "written" });
        Assert.Equal(expected, response.StatusCode);
    }

    /// <summary>The system heals by itself: a write goes through again (and leaves nothing broken for the next test).</summary>
    private Task WaitUntilWritableAsync(string collection) => Wait.UntilAsync(async () =>
    {
        using var response = await system.Gateway.PutAsJsonAsync($"/api/records/{collection}/after", new { status = "written after" });
        return response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK;
    }, Recovery, "writes did not succeed again after the outage");

    /// <summary>Polling answers again, and the gateway's rate limiter counts again (it says so in RateLimit-Remaining).</summary>
    private static Task WaitUntilPollingAsync(HttpClient viewer) => Wait.UntilAsync(async () =>
    {
        using var response = await viewer.GetAsync("/api/sync/poll?since=0");
        return response.StatusCode == HttpStatusCode.OK && response.Headers.Contains("RateLimit-Remaining");
    }, Recovery, "polling did not answer again, or the rate limiter did not count again, after the outage");
}
