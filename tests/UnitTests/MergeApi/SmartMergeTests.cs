using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using RealtimeSync.MergeApi.Collections;
using RealtimeSync.MergeApi.Merging;

namespace RealtimeSync.UnitTests.MergeApi;

public sealed class SmartMergeTests
{
    private static readonly HashSet<string> Preserved = ["employeeId", "joinDate"];

    [Fact]
    public void Put_replaces_editable_fields_and_keeps_preserved_and_server_fields()
    {
        var current = Parse("""{"name":"Ada","role":"eng","employeeId":"E-7","createdAt":"2024-01-01T00:00:00Z"}""");

        var (document, ignored) = SmartMerge.Compose(WriteVerb.Put, current, Parse("""{"name":"Ada L.","employeeId":"X","createdAt":"1999"}"""), Preserved);

        Assert.True(JsonNode.DeepEquals(Parse("""{"name":"Ada L.","employeeId":"E-7","createdAt":"2024-01-01T00:00:00Z"}"""), document), document.ToJsonString());
        Assert.Equal(["createdAt", "employeeId"], ignored);
    }

    [Fact]
    public void A_new_record_may_set_its_preserved_fields_but_never_server_fields()
    {
        var (document, ignored) = SmartMerge.Compose(WriteVerb.Post, null, Parse("""{"name":"Ada","employeeId":"E-7","updatedBy":"mallory"}"""), Preserved);

        Assert.Equal("""{"name":"Ada","employeeId":"E-7"}""", document.ToJsonString());
        Assert.Equal(["updatedBy"], ignored);
    }

    [Fact]
    public void Patch_cannot_remove_a_preserved_field_with_null()
    {
        var current = Parse("""{"name":"Ada","joinDate":"2024-03-01"}""");

        var (document, ignored) = SmartMerge.Compose(WriteVerb.Patch, current, Parse("""{"joinDate":null,"name":null}"""), Preserved);

        Assert.Equal("""{"joinDate":"2024-03-01"}""", document.ToJsonString());
        Assert.Equal(["joinDate"], ignored);
    }

    [Fact]
    public void Content_comparison_ignores_the_fields_the_server_keeps()
    {
        Assert.True(SmartMerge.SameContent(Parse("""{"a":1,"updatedAt":"x","updatedBy":"u"}"""), Parse("""{"a":1}""")));
        Assert.False(SmartMerge.SameContent(Parse("""{"a":1}"""), Parse("""{"a":2}""")));
    }

    [Fact]
    public void A_family_declaration_covers_every_collection_with_its_prefix_and_exact_names_win()
    {
        var catalog = new CollectionCatalog(new Monitor(new MergeApiOptions
        {
            Collections = { ["tenant-*"] = new() { Key = "family" }, ["tenant-special"] = new() { Key = "exact" } },
        }));

        Assert.Equal("family", catalog.Find("tenant-acme")!.Key);
        Assert.Equal("exact", catalog.Find("tenant-special")!.Key);
        Assert.Null(catalog.Find("invoices"));
    }

    [Theory]
    [InlineData("""{"name":"Ada","salary":5000,"email":"ada@example.com","joinDate":"2024-03-01T09:00:00Z"}""", "")]
    [InlineData("""{"salary":5000}""", "name")]
    [InlineData("""{"name":"Ada","salary":"5000"}""", "salary")]
    [InlineData("""{"name":"Ada","email":"ada at example"}""", "email")]
    [InlineData("""{"name":"Ada","joinDate":"last spring"}""", "joinDate")]
    [InlineData("""{"name":42}""", "name")]
    public void Validation_names_each_wrong_field(string document, string wrongField)
    {
        var definition = new CollectionDefinition
        {
            Fields = { ["name"] = "string", ["salary"] = "number", ["email"] = "email", ["joinDate"] = "datetime" },
            Required = ["name"],
        };

        var errors = DocumentValidator.Validate(definition, Parse(document));

        Assert.Equal(wrongField.Length == 0 ? [] : [wrongField], errors.Keys);
    }

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    private sealed class Monitor(MergeApiOptions value) : IOptionsMonitor<MergeApiOptions>
    {
        public MergeApiOptions CurrentValue => value;

        public MergeApiOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<MergeApiOptions, string?> listener) => null;
    }
}
