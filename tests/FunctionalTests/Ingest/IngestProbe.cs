using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.Ingest;

/// <summary>What odoo-ingest shows of itself: its API through the gateway, and its synced rows in PostgreSQL.</summary>
internal sealed class IngestProbe(RealtimeSystem system)
{
    public const string Stream = "purchase-orders";

    /// <summary>The stream's recent margin in tests (appsettings.Testing.json): a run reads in full from this long before the previous run's start.</summary>
    public static readonly TimeSpan RecentMargin = TimeSpan.FromSeconds(2);

    private readonly HttpClient _admin = system.ClientFor("ingest-admin", "admin");

    /// <summary>Asks for a run now and waits until a run that started after the ask has finished; returns it.</summary>
    public async Task<JsonObject> RunAndWaitAsync(TimeSpan? timeout = null)
    {
        var since = await LatestRunIdAsync();
        return await Wait.ForAsync(
            async () =>
            {
                await RequestRunAsync();
                return (await RunsAsync(20)).FirstOrDefault(run => (long)run["id"]! > since + 1 && run["finished_at"] is not null);
            },
            timeout ?? TimeSpan.FromSeconds(60),
            "no sync run finished in time");
    }

    /// <summary>Asks for a run now; asks while one runs are one run after it.</summary>
    public async Task RequestRunAsync() => (await _admin.PostAsync($"/api/ingest/streams/{Stream}/run", null)).EnsureSuccessStatusCode();

    public async Task<JsonObject> StreamAsync() =>
        (await _admin.GetFromJsonAsync<JsonObject>("/api/ingest/streams"))!["streams"]!.AsArray().Single(stream => (string?)stream!["name"] == Stream)!.AsObject();

    /// <summary>Synced rows of a model: id → (data, archived reason or null).</summary>
    public async Task<Dictionary<int, (JsonObject Data, string? Archived)>> RowsAsync(string model)
    {
        await using var dataSource = NpgsqlDataSource.Create(system.ConnectionString("ingestdb"));
        await using var command = dataSource.CreateCommand("SELECT odoo_id, data::text, archived_reason FROM odoo_ingest.records WHERE model = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = model });
        var rows = new Dictionary<int, (JsonObject, string?)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows[reader.GetInt32(0)] = (JsonNode.Parse(reader.GetString(1))!.AsObject(), reader.IsDBNull(2) ? null : reader.GetString(2));
        }

        return rows;
    }

    public async Task<long> FailureCountAsync(int orderId)
    {
        await using var dataSource = NpgsqlDataSource.Create(system.ConnectionString("ingestdb"));
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM odoo_ingest.sync_failures WHERE odoo_id = $1 AND model = 'purchase.order'");
        command.Parameters.Add(new NpgsqlParameter { Value = orderId });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The stream's first run (the first sync).</summary>
    public async Task<JsonObject> OldestRunAsync()
    {
        return (await RunsAsync(500))[^1];
    }

    /// <summary>Creates <paramref name="count"/> orders named prefix + n in one Odoo transaction (one write_date); returns their ids.</summary>
    public List<int> CreateOrders(string prefix, int count) => system.Odoo.Database.Run(transaction => Enumerable.Range(0, count)
        .Select(n => transaction.Create("purchase.order", new JsonObject { ["name"] = $"{prefix}{n}", ["partner_id"] = 1, ["state"] = "draft", ["amount_total"] = n }))
        .ToList());

    /// <summary>Asserts that every order <see cref="CreateOrders"/> made is stored once, with its data.</summary>
    public async Task AssertOrdersStoredAsync(string prefix, List<int> orders)
    {
        var rows = await RowsAsync("purchase.order");
        Assert.All(orders, id => Assert.Equal($"{prefix}{id - orders[0]}", (string?)rows[id].Data["name"]));
    }

    /// <summary>Waits for a finished run that matches (newest first among the last 20).</summary>
    public async Task<JsonObject> FinishedRunAsync(Func<JsonObject, bool> match, TimeSpan timeout)
    {
        return await Wait.ForAsync(
            async () => (await RunsAsync(20)).FirstOrDefault(run => run["finished_at"] is not null && match(run)), timeout, "no such run finished in time");
    }

    /// <summary>The n of the keyset condition <c>["id", ">", n]</c> in an Odoo search domain: where a page starts.</summary>
    public static int? AfterId(JsonNode? domain) =>
        (domain as JsonArray)?.OfType<JsonArray>().Where(term => term.Count == 3 && (string?)term[0] == "id" && (string?)term[1] == ">").Select(term => (int?)term[2]).FirstOrDefault();

    /// <summary>
    /// Waits until the stream's runs read in full only what was written after <paramref name="at"/>: the watermark (the
    /// last run's start) less the recent margin is past its whole second. From then on only the overlap sweep finds it.
    /// </summary>
    public Task UntilRecentWindowPassesAsync(DateTimeOffset at) =>
        Wait.UntilAsync(async () => (await StreamAsync())["state"]?["watermark"] is JsonValue watermark
            && DateTimeOffset.Parse((string)watermark!, System.Globalization.CultureInfo.InvariantCulture) - RecentMargin > at.AddSeconds(1),
            TimeSpan.FromSeconds(60), $"the stream's recent window never passed {at:O}");

    /// <summary>The id of the stream's newest run (finished or not), 0 when none.</summary>
    public async Task<long> LatestRunIdAsync() => (await RunsAsync(1)) is [var newest, ..] ? (long)newest["id"]! : 0;

    /// <summary>The stream's newest runs, newest first.</summary>
    public async Task<List<JsonObject>> RunsAsync(int limit) =>
        (await _admin.GetFromJsonAsync<JsonObject>($"/api/ingest/runs?stream={Stream}&limit={limit}"))!["runs"]!.AsArray().Select(run => run!.AsObject()).ToList();
}
