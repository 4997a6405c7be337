using System.Text.Json.Nodes;
using RealtimeSync.PushGateway.Presence;

namespace RealtimeSync.UnitTests.PushGateway;

public sealed class PresenceStateTests
{
    private const int Limit = 1024;

    [Fact]
    public void An_object_is_kept_as_compact_json()
    {
        var (json, code, _) = PresenceState.Check(JsonNode.Parse("""{ "editing" : "partner_ref", "at": [1, 2] }"""), Limit);

        Assert.Null(code);
        Assert.Equal("""{"editing":"partner_ref","at":[1,2]}""", json);
    }

    [Theory]
    [InlineData("[]", "not array")]
    [InlineData("\"editing\"", "not string")]
    [InlineData("null", "not null")]
    [InlineData("""{"a":"x\u0000y"}""", "NUL")]
    [InlineData("""{"a":"\ud800"}""", "not valid UTF-16")]
    [InlineData("""{"a":1e999}""", "outside what a double")]
    [InlineData("""{"a":1,"a":2}""", "names a property twice")]
    public void A_state_that_is_no_object_or_breaks_the_document_shape_is_an_invalid_message(string state, string reason)
    {
        var (json, code, error) = PresenceState.Check(JsonNode.Parse(state), Limit);

        Assert.Null(json);
        Assert.Equal("invalid_message", code);
        Assert.Contains(reason, error);
    }

    [Fact]
    public void A_state_deeper_than_the_document_limit_is_an_invalid_message()
    {
        var deep = string.Concat(Enumerable.Repeat("""{"a":""", 33)) + "1" + new string('}', 33);

        Assert.Equal("invalid_message", PresenceState.Check(JsonNode.Parse(deep), Limit).Code);
    }

    [Fact]
    public void The_limit_counts_the_bytes_of_the_compact_json_and_is_inclusive()
    {
        var exactly = State(Limit);
        var over = State(Limit + 1);

        Assert.Equal(Limit, PresenceState.Check(exactly, Limit).Json!.Length);
        var (json, code, error) = PresenceState.Check(over, Limit);
        Assert.Null(json);
        Assert.Equal("presence_state_too_large", code);
        Assert.Contains("1025 bytes", error);
    }

    [Fact]
    public void Text_beyond_ascii_counts_as_its_utf8_bytes_as_a_browser_would()
    {
        // {"a":"…"} is 8 bytes around the text; each 'é' is 2 bytes in UTF-8 (and would be 6 as an \u escape).
        var state = new JsonObject { ["a"] = new string('é', (Limit - 8) / 2) };

        Assert.Equal("{\"a\":\"" + new string('é', (Limit - 8) / 2) + "\"}", PresenceState.Check(state, Limit).Json);
        state["a"] = new string('é', ((Limit - 8) / 2) + 1);
        Assert.Equal("presence_state_too_large", PresenceState.Check(state, Limit).Code);
    }

    /// <summary>{"a":"xxx…"}, exactly <paramref name="bytes"/> long.</summary>
    private static JsonObject State(int bytes) => new() { ["a"] = new string('x', bytes - 8) };
}
