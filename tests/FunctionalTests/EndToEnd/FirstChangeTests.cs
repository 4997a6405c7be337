using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.EndToEnd;

/// <summary>One backoffice write travels the whole path: gateway, merge-api, PostgreSQL, outbox, RabbitMQ, change-notifier, Redis, every push-gateway, WebSocket.</summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class FirstChangeTests(RealtimeSystem system)
{
    [Fact]
    public async Task A_write_reaches_subscribers_on_both_push_gateway_instances_exactly_once_with_the_written_data()
    {
        var collection = Topics.UniqueCollection();
        var clients = await Topics.ConnectToEveryInstanceAsync(system, expectedInstances: 2);
        try
        {
            foreach (var client in clients)
            {
                await client.SubscribeAsync($"records/{collection}");
            }

            var response = await system.Gateway.PutAsJsonAsync($"/api/records/{collection}/main", new { companyName = "TRU Group", employees = 42 });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            var version = (long)(await response.Content.ReadFromJsonAsync<JsonObject>())!["version"]!;

            foreach (var client in clients)
            {
                var message = await client.NextMessageAsync(TimeSpan.FromSeconds(20));
                Assert.Equal($"records/{collection}", (string?)message["topic"]);
                Assert.Equal("record.created", (string?)message["type"]);
                Assert.Equal("main", (string?)message["payload"]!["id"]);
                Assert.Equal(version, (long)message["payload"]!["version"]!);
                Assert.Equal("TRU Group", (string?)message["payload"]!["fields"]!["companyName"]);
                Assert.Equal(42, (int)message["payload"]!["fields"]!["employees"]!);
                Assert.Empty(await client.DrainMessagesAsync(TimeSpan.FromSeconds(1.5)));
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
    public async Task The_stored_record_is_readable_through_the_gateway_with_its_version_as_etag()
    {
        var collection = Topics.UniqueCollection();
        var put = await system.Gateway.PutAsJsonAsync($"/api/records/{collection}/a-1", new { title = "first" });
        put.EnsureSuccessStatusCode();

        var get = await system.Gateway.GetAsync($"/api/records/{collection}/a-1");

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var body = (await get.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("first", (string?)body["data"]!["title"]);
        Assert.Equal($"\"{(long)body["version"]!}\"", get.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task Malformed_json_is_refused_with_a_problem_and_stores_nothing()
    {
        var collection = Topics.UniqueCollection();
        using var content = new StringContent("{\"title\": ", System.Text.Encoding.UTF8, "application/json");

        var response = await system.Gateway.PutAsync($"/api/records/{collection}/x", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Malformed JSON", (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["title"]);
        Assert.Equal(HttpStatusCode.NotFound, (await system.Gateway.GetAsync($"/api/records/{collection}/x")).StatusCode);
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    public async Task The_gateway_answers_kubernetes_probes(string path)
    {
        var response = await system.Gateway.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }
}
