namespace RealtimeSync.Outbox;

public sealed class OutboxOptions
{
    /// <summary>The PostgreSQL schema of the owning service; the outbox table lives beside its data.</summary>
    public string Schema { get; set; } = "public";

    /// <summary>Rows read per dispatch, published as one message (<see cref="RealtimeSync.Contracts.RecordChanges"/>).</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>How often the table is swept when nothing signalled a new row (another replica may have written).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one publish may wait for the broker before the batch is retried later.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// During a backlog the dispatcher reads on from its last row; a row whose transaction committed after later rows were
    /// read waits at most this long before a read from the start finds it (<see cref="OutboxCursor"/>).
    /// </summary>
    public TimeSpan LateRowScanInterval { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Tries a row gets when the failure is its own (a payload that cannot be published, a broker refusing that message)
    /// before it is set aside, so the rows behind it flow on. The broker being away never counts.
    /// </summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>
    /// Published rows are kept this long after they were written, for diagnosis and re-sending, then deleted; queued and
    /// set-aside rows are never deleted.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);
}
