namespace RealtimeSync.PushGateway.Delivery;

/// <summary>Where a reader stands on one topic.</summary>
public readonly record struct TopicPosition(string Epoch, long Offset);
