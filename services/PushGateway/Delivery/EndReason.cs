namespace RealtimeSync.PushGateway.Delivery;

/// <summary>Why the server ends a connection on its own.</summary>
public enum EndReason
{
    None,

    /// <summary>The client fell a whole send queue behind: it reconnects and resumes from its offsets.</summary>
    Overflow,

    /// <summary>A replay from the topic log kept failing: the client reconnects and resumes.</summary>
    ReplayFailed,

    /// <summary>The connection's token expired and no fresh one came: the client signs in again and resumes.</summary>
    TokenExpired,

    /// <summary>The transport is done (the client left, or the server stops): a frame offered late is no overflow.</summary>
    Closed,
}
