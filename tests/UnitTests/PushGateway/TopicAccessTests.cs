using Microsoft.Extensions.Options;
using RealtimeSync.PushGateway.Access;
using RealtimeSync.PushGateway.Delivery;

namespace RealtimeSync.UnitTests.PushGateway;

public sealed class TopicAccessTests
{
    /// <summary>Any signed-in user reads every collection but payroll (admins only); shared with the presence tests.</summary>
    internal static readonly TopicAccess Access = new(new StaticOptions(new TopicAccessOptions
    {
        Collections = { ["payroll"] = new CollectionAccess { Roles = ["admin"] } },
    }));

    internal static readonly Subscriber Viewer = new("ada", new HashSet<string> { "viewer" });
    private static readonly Subscriber Admin = new("root", new HashSet<string> { "admin" });

    [Theory]
    [InlineData("records/settings", true)]
    [InlineData("records/settings/main", true)]
    [InlineData("records/payroll", false)]
    [InlineData("records/payroll/7", false)]
    [InlineData("users/ada", true)]
    [InlineData("users/bob", false)]
    [InlineData("broadcast", true)]
    [InlineData("secrets/everything", false)]
    [InlineData("records", false)]
    public void A_viewer_reads_open_collections_its_own_user_topic_and_broadcasts(string topic, bool allowed)
    {
        Assert.Equal(allowed, Access.Refusal(Viewer, topic) is null);
    }

    [Fact]
    public void A_restricted_collection_is_open_to_its_roles()
    {
        Assert.Null(Access.Refusal(Admin, "records/payroll"));
        Assert.Contains("admin", Access.Refusal(Viewer, "records/payroll"));
    }

    [Fact]
    public void Restricted_fields_are_removed_for_readers_without_the_role_and_kept_for_those_with_it()
    {
        const string json = """{"topic":"records/team","offset":3,"epoch":"e","type":"record.updated","payload":{"changedFields":["name","salary"],"fields":{"name":"Ada","salary":5000}},"fieldRoles":{"salary":["admin"]}}""";
        var message = RoutedMessage.TryParse(json)!;

        var forViewer = System.Text.Json.Nodes.JsonNode.Parse(TopicAccess.ForSubscriber(message, Viewer))!;

        Assert.Same(json, TopicAccess.ForSubscriber(message, Admin));
        Assert.Equal("""{"name":"Ada"}""", forViewer["payload"]!["fields"]!.ToJsonString());
        Assert.Equal("""["name"]""", forViewer["payload"]!["changedFields"]!.ToJsonString());
        Assert.Null(forViewer["fieldRoles"]);
    }

    private sealed class StaticOptions(TopicAccessOptions value) : IOptionsMonitor<TopicAccessOptions>
    {
        public TopicAccessOptions CurrentValue => value;

        public TopicAccessOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<TopicAccessOptions, string?> listener) => null;
    }
}
