using System.Text.Json.Nodes;
using RealtimeSync.Contracts;

namespace RealtimeSync.UnitTests.MergeApi;

public sealed class RecordDiffTests
{
    [Fact]
    public void A_new_record_changes_every_field()
    {
        var after = JsonNode.Parse("""{"name":"TRU","email":"a@b.c"}""")!.AsObject();

        Assert.Equal(["email", "name"], RecordDiff.ChangedFields(null, after));
    }

    [Fact]
    public void Only_fields_whose_values_differ_are_changed_and_nested_values_compare_deeply()
    {
        var before = JsonNode.Parse("""{"name":"TRU","address":{"city":"Paris","zip":"75001"},"tags":["a","b"],"views":3}""")!.AsObject();
        var after = JsonNode.Parse("""{"views":3,"tags":["a","b"],"address":{"zip":"75001","city":"Lyon"},"name":"TRU"}""")!.AsObject();

        Assert.Equal(["address"], RecordDiff.ChangedFields(before, after));
    }

    [Fact]
    public void A_removed_field_is_changed_and_travels_as_null()
    {
        var before = JsonNode.Parse("""{"name":"TRU","fax":"01"}""")!.AsObject();
        var after = JsonNode.Parse("""{"name":"TRU"}""")!.AsObject();

        var changed = RecordDiff.ChangedFields(before, after);
        var values = RecordDiff.Values(after, changed);

        Assert.Equal(["fax"], changed);
        Assert.True(values.ContainsKey("fax"));
        Assert.Null(values["fax"]);
    }

    [Fact]
    public void Identical_documents_change_nothing()
    {
        var document = JsonNode.Parse("""{"a":1,"b":[1,2,{"c":null}]}""")!.AsObject();

        Assert.Empty(RecordDiff.ChangedFields(document, document.DeepClone().AsObject()));
    }
}
