namespace RealtimeSync.PushGateway;

public sealed class PushGatewayOptions
{
    /// <summary>This replica's name, told to clients in the welcome frame; defaults to <see cref="Microsoft.Extensions.Hosting.InstanceIdentity"/>.</summary>
    public string InstanceId { get; set; } = string.Empty;

    /// <summary>Frames queued for one slow client before it is disconnected; bounds memory per connection.</summary>
    public int SendQueueLimit { get; set; } = 1000;

    /// <summary>Characters of frames queued for one slow client before it is disconnected: a few huge messages count like many small ones (8 Mi characters: 16 MB of memory).</summary>
    public long SendQueueCharLimit { get; set; } = 8 * 1024 * 1024;

    /// <summary>
    /// Pub/sub messages (each a batch of changes) this instance may fall behind on before it drops them and catches every
    /// subscription up from the topic log instead: bounds the Redis client's own queue, which has none.
    /// </summary>
    public int FanoutBacklogLimit { get; set; } = 1000;

    /// <summary>Largest message a client may send, over any transport (seed 004's 64 KB).</summary>
    public int MaxClientMessageBytes { get; set; } = 64 * 1024;

    /// <summary>Topics one connection may hold at once.</summary>
    public int MaxSubscriptions { get; set; } = 100;

    /// <summary>WebSocket and event-stream connections one user may hold at once, over every replica; one more is refused (WebSocket close 4029, SSE 429).</summary>
    public int MaxConnectionsPerUser { get; set; } = 20;

    /// <summary>How long a connection's slot in that count outlives its last renewal (every third of this): what a crashed replica's connections cost their users.</summary>
    public TimeSpan ConnectionLease { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the server sends a heartbeat frame on an idle-or-not connection.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>What clients are told: without any frame for this long, consider the connection dead and reconnect. Below YARP's 100 s idle timeout.</summary>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
