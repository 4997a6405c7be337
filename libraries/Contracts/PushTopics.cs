using System.Text.RegularExpressions;

namespace RealtimeSync.Contracts;

/// <summary>The topic names a record change is pushed on, and the grammar of every topic; shared by writers, the notifier and push-gateway.</summary>
public static partial class PushTopics
{
    public static string ForCollection(string collection) => $"records/{collection}";

    public static string ForRecord(string collection, string recordId) => $"records/{collection}/{recordId}";

    /// <summary>One segment of a topic (a collection, a record id): 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit, so ".." and hidden names never pass.</summary>
    public static bool IsSegment(string? text) => text is not null && Segment().IsMatch(text);

    /// <summary>A topic: one to five segments separated by '/'.</summary>
    public static bool IsTopic(string? text) => text is not null && Topic().IsMatch(text);

    // \z, not $: a pattern's $ also matches before a final newline.
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}\\z")]
    private static partial Regex Segment();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}(/[A-Za-z0-9][A-Za-z0-9._-]{0,127}){0,4}\\z")]
    private static partial Regex Topic();
}
