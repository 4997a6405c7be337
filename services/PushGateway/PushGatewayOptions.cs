namespace RealtimeSync.PushGateway;

public sealed class PushGatewayOptions
{
    /// <summary>This replica's name, told to clients in the welcome frame; defaults to <see cref="Microsoft.Extensions.Hosting.InstanceIdentity"/>.</summary>
    public string InstanceId { get; set; } = string.Empty;

    /// <summary>Frames queued for one slow client before it is disconnected; bounds memory per connection.</summary>
    public int SendQueueLimit { get; set; } = 1000;

    /// <summary>Largest frame a client may send.</summary>
    public int MaxClientMessageBytes { get; set; } = 64 * 1024;

    /// <summary>Topics one connection may hold at once.</summary>
    public int MaxSubscriptions { get; set; } = 100;
}
