using System.Text.Json.Nodes;
using RealtimeSync.MergeApi.Merging;

namespace RealtimeSync.UnitTests.MergeApi;

public sealed class MergePatchTests
{
    // Every example of RFC 7396 Appendix A.
    [Theory]
    [InlineData("""{"a":"b"}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"b":"c"}""", """{"a":"b","b":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"a":null}""", """{}""")]
    [InlineData("""{"a":"b","b":"c"}""", """{"a":null}""", """{"b":"c"}""")]
    [InlineData("""{"a":["b"]}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"c"}""", """{"a":["b"]}""", """{"a":["b"]}""")]
    [InlineData("""{"a":{"b":"c"}}""", """{"a":{"b":"d","c":null}}""", """{"a":{"b":"d"}}""")]
    [InlineData("""{"a":[{"b":"c"}]}""", """{"a":[1]}""", """{"a":[1]}""")]
    [InlineData("""["a","b"]""", """["c","d"]""", """["c","d"]""")]
    [InlineData("""{"a":"b"}""", """["c"]""", """["c"]""")]
    [InlineData("""{"a":"foo"}""", "null", "null")]
    [InlineData("""{"a":"foo"}""", "\"bar\"", "\"bar\"")]
    [InlineData("""{"e":null}""", """{"a":1}""", """{"e":null,"a":1}""")]
    [InlineData("""[1,2]""", """{"a":"b","c":null}""", """{"a":"b"}""")]
    [InlineData("""{}""", """{"a":{"bb":{"ccc":null}}}""", """{"a":{"bb":{}}}""")]
    public void Applies_the_rfc_examples(string target, string patch, string result)
    {
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(result), MergePatch.Apply(JsonNode.Parse(target), JsonNode.Parse(patch))));
    }

    [Fact]
    public void Leaves_the_target_untouched()
    {
        var target = JsonNode.Parse("""{"a":{"b":1}}""");

        MergePatch.Apply(target, JsonNode.Parse("""{"a":{"b":2}}"""));

        Assert.Equal("""{"a":{"b":1}}""", target!.ToJsonString());
    }
}
