using System.Text;
using System.Text.Json.Nodes;
using RealtimeSync.Contracts.Documents;

namespace RealtimeSync.UnitTests.Contracts;

public sealed class DocumentShapeTests
{
    private static JsonNode Nested(int levels) => JsonNode.Parse(new StringBuilder().Insert(0, "{\"a\":", levels).Append('1').Append('}', levels).ToString())!;

    [Fact]
    public void Depth_counts_objects_and_arrays_and_the_limit_is_the_documents_whatever_its_envelope()
    {
        Assert.Equal(0, DocumentShape.Depth(JsonValue.Create(1)));
        Assert.Equal(3, DocumentShape.Depth(JsonNode.Parse("{\"a\": [{\"b\": 1}], \"c\": 2}")));
        Assert.Null(DocumentShape.ShapeProblem(Nested(DocumentShape.MaxDepth)));
        Assert.Contains("32 levels", DocumentShape.ShapeProblem(Nested(DocumentShape.MaxDepth + 1)));
        Assert.Null(DocumentShape.ShapeProblem(Nested(DocumentShape.MaxDepth + 3), envelopeDepth: 3));
    }

    [Theory]
    [InlineData("{\"ok\": {\"bad\\ud800\": 1}}", "UTF-16")]
    [InlineData("{\"ok\": [\"\\udc00\"]}", "UTF-16")]
    [InlineData("{\"a\\u0000b\": 1}", "NUL")]
    [InlineData("{\"n\": 1e1000000}", "double")]
    [InlineData("{\"n\": -1e400}", "double")]
    public void Text_no_reader_could_take_back_is_named(string json, string reason) =>
        Assert.Contains(reason, DocumentShape.UnstorableText(JsonNode.Parse(json)));

    [Fact]
    public void Ordinary_documents_pass() =>
        Assert.Null(DocumentShape.UnstorableText(JsonNode.Parse("{\"name\": \"Zoë 👩‍💻\", \"n\": 1.5e300, \"list\": [1, null, true]}")));
}
