namespace RealtimeSync.PushGateway.Delivery;

/// <summary>How a transport frames what it sends: WebSocket sends JSON as is; SSE adds event names and a resume cursor.</summary>
public interface ITransportFormat
{
    string Name { get; }

    string Message(string json, IReadOnlyDictionary<string, TopicPosition> positions);

    string Control(string json, IReadOnlyDictionary<string, TopicPosition> positions);
}
