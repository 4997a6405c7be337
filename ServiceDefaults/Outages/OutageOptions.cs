namespace RealtimeSync.ServiceDefaults.Outages;

/// <summary>How a service answers while a dependency is away or frozen (section <c>Outages</c>).</summary>
public sealed class OutageOptions
{
    /// <summary>
    /// The longest a request may take; past it the request is cancelled (its transaction rolls back) and
    /// answered 503. Streams (WebSocket, Server-Sent Events) are exempt.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>What a 503 tells the client to wait before retrying (<c>Retry-After</c>).</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Exceptions a service's own dependencies throw when they are away (StackExchange.Redis's, say), besides
    /// those every service recognises: see <see cref="DependencyOutage"/>.
    /// </summary>
    public List<Func<Exception, bool>> Recognisers { get; } = [];
}
