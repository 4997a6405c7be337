using System.Text.Json.Nodes;
using RealtimeSync.Contracts;
using RealtimeSync.MergeApi.Collections;
using RealtimeSync.MergeApi.Merging;
using RealtimeSync.MergeApi.Records;

namespace RealtimeSync.UnitTests.MergeApi;

/// <summary>The writes of one transaction: each sees the ones before it, and only a change takes a version.</summary>
public sealed class WriteSequenceTests
{
    private static readonly CollectionDefinition People = new() { Fields = { ["age"] = "integer" }, PreservedFields = ["employeeId"] };

    private static readonly WriteSequence.SnapshotLookup NoHistory = (_, _, _) => throw new InvalidOperationException("the history was not to be read");

    [Fact]
    public async Task A_second_save_of_a_record_merges_onto_the_first_and_takes_the_next_version()
    {
        var sequence = Sequence(("p1", null), lastVersion: 7);

        var first = await sequence.ApplyAsync(Write(WriteVerb.Post, "p1", """{"name":"Ada","employeeId":"E-7"}"""), People, "p1", NoHistory);
        var second = await sequence.ApplyAsync(Write(WriteVerb.Patch, "p1", """{"age":36}"""), People, "p1", NoHistory);

        Assert.Equal((WriteStatus.Created, 8L), (first.Status, first.Record!.Version));
        Assert.Equal((WriteStatus.Updated, 9L), (second.Status, second.Record!.Version));
        Assert.Equal("Ada", (string?)second.Record.Data["name"]);
        Assert.Contains("age", second.ChangedFields!);
        Assert.DoesNotContain("name", second.ChangedFields!);
        Assert.Equal([ChangeOperation.Created, ChangeOperation.Updated], sequence.Changes.Select(change => change.Operation));
        Assert.Equal("Ada", (string?)sequence.Changes[1].Before!["name"]);
        Assert.Equal(9L, sequence.Versions["people"]);
    }

    [Fact]
    public async Task A_refused_or_unchanged_write_takes_no_version_and_the_next_one_goes_on()
    {
        var sequence = Sequence(("p1", """{"name":"Ada"}"""), lastVersion: 3);

        var invalid = await sequence.ApplyAsync(Write(WriteVerb.Patch, "p1", """{"age":"old"}"""), People, "p1", NoHistory);
        var unchanged = await sequence.ApplyAsync(Write(WriteVerb.Put, "p1", """{"name":"Ada"}"""), People, "p1", NoHistory);
        var updated = await sequence.ApplyAsync(Write(WriteVerb.Patch, "p1", """{"age":36}"""), People, "p1", NoHistory);

        Assert.Equal(WriteStatus.Invalid, invalid.Status);
        Assert.Equal(WriteStatus.Unchanged, unchanged.Status);
        Assert.Equal((WriteStatus.Updated, 4L), (updated.Status, updated.Record!.Version));
        Assert.Single(sequence.Changes);
    }

    [Fact]
    public async Task A_precondition_is_checked_against_the_version_an_earlier_write_of_the_sequence_made()
    {
        var sequence = Sequence(("p1", """{"name":"Ada"}"""), lastVersion: 3);
        var renamed = await sequence.ApplyAsync(Write(WriteVerb.Patch, "p1", """{"name":"Ada L."}""", ifMatch: "\"3\""), People, "p1", NoHistory);
        var aged = await sequence.ApplyAsync(Write(WriteVerb.Patch, "p1", """{"age":36}""", ifMatch: "\"4\""), People, "p1", NoHistory);

        // A client that saw version 4 (made earlier in this sequence) is told what changed since, without the history.
        var stale = await sequence.ApplyAsync(Write(WriteVerb.Patch, "p1", """{"name":"Grace"}""", ifMatch: "\"4\""), People, "p1", NoHistory);

        Assert.Equal((WriteStatus.Updated, 4L), (renamed.Status, renamed.Record!.Version));
        Assert.Equal((WriteStatus.Updated, 5L), (aged.Status, aged.Record!.Version));
        Assert.Equal(WriteStatus.PreconditionFailed, stale.Status);
        Assert.Equal(["age"], stale.ChangedFields);
        Assert.Equal(5L, stale.Record!.Version);
    }

    [Fact]
    public async Task A_version_from_before_the_sequence_is_looked_up_in_the_history()
    {
        var sequence = Sequence(("p1", """{"name":"Ada","age":36}"""), lastVersion: 3);
        var asked = new List<long>();

        var stale = await sequence.ApplyAsync(Write(WriteVerb.Patch, "p1", """{"name":"Grace"}""", ifMatch: "\"2\""), People, "p1", (_, _, version) =>
        {
            asked.Add(version);
            return Task.FromResult<JsonObject?>(new JsonObject { ["name"] = "Ada" });
        });

        Assert.Equal(WriteStatus.PreconditionFailed, stale.Status);
        Assert.Equal([2L], asked);
        Assert.Equal(["age"], stale.ChangedFields);
        Assert.Empty(sequence.Changes);
    }

    [Fact]
    public async Task A_record_deleted_earlier_in_the_sequence_is_created_again_by_a_put()
    {
        var sequence = Sequence(("p1", """{"name":"Ada"}"""), lastVersion: 1);

        var deleted = await sequence.ApplyAsync(Write(WriteVerb.Delete, "p1", null), People, "p1", NoHistory);
        var patched = await sequence.ApplyAsync(Write(WriteVerb.Patch, "p1", """{"age":1}"""), People, "p1", NoHistory);
        var created = await sequence.ApplyAsync(Write(WriteVerb.Put, "p1", """{"name":"Grace"}"""), People, "p1", NoHistory);

        Assert.Equal((WriteStatus.Deleted, 2L), (deleted.Status, deleted.Record!.Version));
        Assert.Equal(WriteStatus.NotFound, patched.Status);
        Assert.Equal((WriteStatus.Created, 3L), (created.Status, created.Record!.Version));
        Assert.True(sequence.Changes[0].Deleted);
    }

    private static WriteSequence Sequence((string Id, string? Json) record, long lastVersion)
    {
        var stored = record.Json is null ? null : new StoredRecord("people", record.Id, lastVersion, JsonNode.Parse(record.Json)!.AsObject());
        return new WriteSequence(new() { [("people", record.Id)] = stored }, new() { ["people"] = lastVersion }, TimeProvider.System);
    }

    private static RecordWrite Write(WriteVerb verb, string id, string? body, string? ifMatch = null) =>
        new(verb, "people", id, body is null ? null : JsonNode.Parse(body)!.AsObject(), ifMatch, [], "ada@example.com", null);
}
