namespace RealtimeSync.Outbox;

public sealed class OutboxOptions
{
    /// <summary>The PostgreSQL schema of the owning service; the outbox table lives beside its data.</summary>
    public string Schema { get; set; } = "public";

    public int BatchSize { get; set; } = 100;

    /// <summary>How often the table is swept when nothing signalled a new row (another replica may have written).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one publish may wait for the broker before the batch is retried later.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Published rows are kept this long for diagnosis, then deleted.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);
}
