using System.Diagnostics;

namespace RealtimeSync.FunctionalTests.Infrastructure;

/// <summary>One span as a service exported it: ids in lower-case hex, string attributes only.</summary>
public sealed record CollectedSpan(string Service, string TraceId, string SpanId, string? ParentSpanId, string Name, IReadOnlyDictionary<string, string> Attributes)
{
    public ActivityKind Kind { get; init; }
}
