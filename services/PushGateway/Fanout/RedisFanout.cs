using System.Text.Json;
using RealtimeSync.Contracts.Push;
using RealtimeSync.PushGateway.Connections;
using StackExchange.Redis;

namespace RealtimeSync.PushGateway.Fanout;

/// <summary>
/// Listens on the Redis channel every instance shares and hands each message to this instance's
/// subscribers of its topic. The frame is forwarded as published: parsed once for routing, never re-encoded.
/// </summary>
public sealed partial class RedisFanout(IConnectionMultiplexer redis, SubscriptionRegistry registry, ILogger<RedisFanout> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        redis.GetSubscriber().SubscribeAsync(PushChannel.Name, (_, value) => Deliver(value!));

    public Task StopAsync(CancellationToken cancellationToken) =>
        redis.GetSubscriber().UnsubscribeAsync(PushChannel.Name);

    internal void Deliver(string frame)
    {
        if (!TryReadRouting(frame, out var topic, out var origin))
        {
            LogUnroutable(frame.Length);
            return;
        }

        foreach (var connection in registry.SubscribersOf(topic))
        {
            // A change is not echoed to the connection that made it (seed 002); the user's other tabs still get it.
            if (origin is not null && origin == connection.Id)
            {
                continue;
            }

            connection.Enqueue(frame);
        }
    }

    private static bool TryReadRouting(string frame, out string topic, out string? origin)
    {
        topic = string.Empty;
        origin = null;
        try
        {
            using var document = JsonDocument.Parse(frame);
            var root = document.RootElement;
            if (!root.TryGetProperty("topic", out var topicElement) || topicElement.GetString() is not { } value)
            {
                return false;
            }

            topic = value;
            origin = root.TryGetProperty("origin", out var originElement) && originElement.ValueKind == JsonValueKind.String
                ? originElement.GetString()
                : null;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped an unroutable push message ({Length} chars)")]
    private partial void LogUnroutable(int length);
}
