using RealtimeSync.PushGateway.Delivery;

namespace RealtimeSync.UnitTests.PushGateway;

/// <summary>A transport that frames nothing: what is queued is the JSON itself.</summary>
internal sealed class PlainFormat : ITransportFormat
{
    public string Name => "test";

    public string Message(string json, IReadOnlyDictionary<string, TopicPosition> positions) => json;

    public string Control(string json, IReadOnlyDictionary<string, TopicPosition> positions) => json;
}
