using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;
using RealtimeSync.Contracts;
using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.EndToEnd;

/// <summary>
/// An accepted change is always deliverable: a change that cannot go on (an outbox row the dispatcher cannot publish, an
/// event change-notifier cannot apply) is set aside after a few tries, kept with its error where an operator sees it,
/// never stops the changes behind it, and goes out when re-sent once its cause is fixed.
/// </summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class SetAsideTests(RealtimeSystem system)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task An_outbox_row_that_cannot_be_published_is_set_aside_the_rows_behind_it_flow_and_once_fixed_it_is_resent()
    {
        var collection = Topics.UniqueCollection();
        var repaired = Topics.UniqueCollection();
        var eventId = Guid.NewGuid();
        using var admin = system.ClientFor("admin-ops", "admin");
        // A committed row whose payload is no RecordChanged.
        await using var client = await BadChangeThenOneBehindAsync(eventId,
            new JsonObject { ["eventId"] = "not-a-guid", ["collection"] = collection, ["recordId"] = "unreadable" }.ToJsonString(), collection, repaired);

        var row = await SetAsideRowAsync(admin, eventId);
        Assert.Equal(5, (int)row["attempts"]!);
        Assert.Contains("JsonException", (string?)row["lastError"]);
        Assert.Equal(collection, (string?)row["collection"]);
        Assert.NotNull((string?)row["setAsideAt"]);
        await WaitForReadinessAsync("merge-api", "Degraded", "outbox-set-aside");

        // The cause fixed (here: the payload repaired, as for a writer's bug), the operator re-sends what was set aside.
        await ExecuteAsync("UPDATE merge_api.outbox SET payload = $2 WHERE event_id = $1", eventId, Change(eventId, repaired));
        using var resend = await admin.PostAsync("/api/records/_outbox/set-aside/resend", null);
        Assert.Equal(HttpStatusCode.Accepted, resend.StatusCode);
        Assert.True((int)(await resend.Content.ReadFromJsonAsync<JsonObject>())!["resent"]! >= 1);

        var delivered = await client.NextMessageAsync(Patience);
        Assert.Equal(repaired, (string?)delivered["payload"]!["collection"]);
        Assert.Equal("kept", (string?)delivered["payload"]!["fields"]!["status"]);
        Assert.Equal(eventId.ToString(), (string?)delivered["eventId"]);
        await WaitForReadinessAsync("merge-api", "Healthy");
        Assert.DoesNotContain((await admin.GetFromJsonAsync<JsonObject>("/api/records/_outbox/set-aside"))!["rows"]!.AsArray(),
            listed => (string?)listed!["eventId"] == eventId.ToString());
    }

    [Fact]
    public async Task An_event_change_notifier_cannot_apply_is_set_aside_the_events_behind_it_flow_and_once_fixed_it_is_resent()
    {
        var repaired = Topics.UniqueCollection();
        var eventId = Guid.NewGuid();
        using var admin = system.ClientFor("admin-ops", "admin");
        // A RecordChanged the outbox publishes fine, but whose collection names no push topic.
        await using var client = await BadChangeThenOneBehindAsync(eventId, Change(eventId, "not a topic/name"), Topics.UniqueCollection(), repaired);

        await using var redis = await system.RedisAsync();
        string? stored = null;
        await Wait.UntilAsync(async () => (stored = await redis.GetDatabase().HashGetAsync("rs:notifier:{set-aside}", eventId.ToString())) is not null,
            Patience, "change-notifier did not set the event aside in Redis");
        var entry = JsonNode.Parse(stored!)!.AsObject();
        Assert.Equal(3, (int)entry["attempts"]!);
        Assert.Contains("InvalidDataException", (string?)entry["error"]);
        Assert.Equal("not a topic/name", (string?)entry["event"]!["collection"]);
        await WaitForReadinessAsync("change-notifier", "Degraded", "notifier-set-aside");

        // Fixed at its writer and re-sent by event id: the outbox keeps published rows for a day.
        await ExecuteAsync("UPDATE merge_api.outbox SET payload = $2 WHERE event_id = $1", eventId, Change(eventId, repaired));
        using var resend = await admin.PostAsync($"/api/records/_outbox/events/{eventId}/resend", null);
        Assert.Equal(HttpStatusCode.Accepted, resend.StatusCode);

        var delivered = await client.NextMessageAsync(Patience);
        Assert.Equal(repaired, (string?)delivered["payload"]!["collection"]);
        Assert.Equal(eventId.ToString(), (string?)delivered["eventId"]);
        await Wait.UntilAsync(async () => !await redis.GetDatabase().HashExistsAsync("rs:notifier:{set-aside}", eventId.ToString()),
            Patience, "the applied event stayed set aside");
        await WaitForReadinessAsync("change-notifier", "Healthy");
    }

    [Fact]
    public async Task A_redis_outage_holds_change_notifiers_queue_and_sets_nothing_aside()
    {
        var collection = Topics.UniqueCollection();
        Guid? eventId = null;

        await system.StopResourceAsync("redis");
        try
        {
            // The gateway lets requests through while its rate limiter's Redis is away; merge-api needs no Redis.
            var write = await system.Gateway.PutAsJsonAsync($"/api/records/{collection}/during-outage", new { status = "written while Redis was down" });
            Assert.Equal(HttpStatusCode.Created, write.StatusCode);
            // change-notifier now fails on Redis with the event in hand: it must hold it, not set it aside.
            await Wait.UntilAsync(async () => (eventId = await PublishedEventAsync(collection)) is not null, Patience, "the write's event did not leave the outbox");
            await Wait.UntilAsync(async () => await Readiness.ReportAsync(system, "change-notifier") is { } report && report.StartsWith("503 Unhealthy\nStackExchange.Redis: Unhealthy", StringComparison.Ordinal),
                Patience, "change-notifier did not report Redis as unavailable");
        }
        finally
        {
            await system.StartResourceAsync("redis");
        }

        await using var redis = await system.RedisAsync();
        var log = RealtimeSystem.TopicLog(redis);
        await Wait.UntilAsync(async () => (await log.ReadAfterAsync($"records/{collection}", null, 0)).Messages.Count == 1,
            TimeSpan.FromMinutes(2), "the event held during the outage was not pushed once Redis was back");
        Assert.False(await redis.GetDatabase().HashExistsAsync("rs:notifier:{set-aside}", eventId.ToString()));
    }

    [Theory]
    [InlineData("/api/records/_outbox", "merge_api")]
    [InlineData("/api/ingest/outbox", "odoo_ingest")]
    public async Task Only_admins_see_and_resend_set_aside_rows_and_an_unknown_event_is_a_404_problem(string basePath, string schema)
    {
        using var viewer = system.ClientFor("viewer-ops", "viewer");
        using var editor = system.ClientFor("editor-ops", "editor");
        using var admin = system.ClientFor("admin-ops", "admin");

        foreach (var user in new[] { viewer, editor })
        {
            using var list = await user.GetAsync($"{basePath}/set-aside");
            using var resendAll = await user.PostAsync($"{basePath}/set-aside/resend", null);
            Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, resendAll.StatusCode);
            Assert.Equal("application/problem+json", list.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(schema, (string?)(await admin.GetFromJsonAsync<JsonObject>($"{basePath}/set-aside"))!["schema"]);
        using var unknown = await admin.PostAsync($"{basePath}/events/{Guid.NewGuid()}/resend", null);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Unknown event", (string?)(await unknown.Content.ReadFromJsonAsync<JsonObject>())!["title"]);
    }

    /// <summary>
    /// Commits <paramref name="payload"/> straight into merge-api's outbox (fault injection), then writes a record of
    /// <paramref name="collection"/> through the gateway behind it, and checks that write still reaches a subscriber:
    /// the client returned, which also listens on <paramref name="repaired"/>.
    /// </summary>
    private async Task<PushClient> BadChangeThenOneBehindAsync(Guid eventId, string payload, string collection, string repaired)
    {
        var client = await system.ConnectAsync("viewer-1", "viewer");
        await client.SubscribeAsync($"records/{collection}", $"records/{repaired}");
        await ExecuteAsync("INSERT INTO merge_api.outbox (event_id, payload) VALUES ($1, $2)", eventId, payload);
        var write = await system.Gateway.PutAsJsonAsync($"/api/records/{collection}/behind", new { status = "written behind a bad change" });
        Assert.Equal(HttpStatusCode.Created, write.StatusCode);

        var behind = await client.NextMessageAsync(Patience);
        Assert.Equal("behind", (string?)behind["payload"]!["id"]);
        return client;
    }

    private static string Change(Guid eventId, string collection) => JsonSerializer.Serialize(new RecordChanged(
        eventId, "merge-api", collection, "set-aside", 1, ChangeOperation.Created, ["status"], new JsonObject { ["status"] = "kept" },
        "admin-ops", null, DateTimeOffset.UtcNow), Json);

    /// <summary>The admin list's entry for <paramref name="eventId"/>, once the dispatcher has set it aside.</summary>
    private static async Task<JsonObject> SetAsideRowAsync(HttpClient admin, Guid eventId)
    {
        JsonObject? row = null;
        await Wait.UntilAsync(async () =>
        {
            var listing = await admin.GetFromJsonAsync<JsonObject>("/api/records/_outbox/set-aside");
            row = listing!["rows"]!.AsArray().Select(listed => listed!.AsObject()).FirstOrDefault(listed => (string?)listed["eventId"] == eventId.ToString());
            return row is not null;
        }, Patience, "the unpublishable row was not set aside");
        return row!;
    }

    private Task WaitForReadinessAsync(string service, string status, string? check = null) => Readiness.UntilAsync(system, service, status, check, Patience);

    private async Task<Guid?> PublishedEventAsync(string collection)
    {
        await using var dataSource = NpgsqlDataSource.Create(system.ConnectionString("mergedb"));
        await using var command = dataSource.CreateCommand(
            $"SELECT event_id FROM merge_api.outbox o WHERE {OutboxTests.Published} AND payload->>'collection' = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = collection });
        return (Guid?)await command.ExecuteScalarAsync();
    }

    private async Task ExecuteAsync(string sql, Guid eventId, string payload)
    {
        await using var dataSource = NpgsqlDataSource.Create(system.ConnectionString("mergedb"));
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = eventId });
        command.Parameters.Add(new NpgsqlParameter { Value = payload, NpgsqlDbType = NpgsqlDbType.Json });
        await command.ExecuteNonQueryAsync();
    }
}
