namespace RealtimeSync.Bench.SideBySide.Load;

/// <summary>bench/Peers/BareKestrel: no protocol; every frame is the published text.</summary>
internal sealed class BareDialect : Dialect
{
    public override string Name => "bare";

    public override Task OpenAsync(Subscriber subscriber, CancellationToken cancellationToken) => Task.CompletedTask;

    public override ReadOnlyMemory<byte>? Read(Subscriber subscriber, ReadOnlySpan<byte> frame, long receivedAt)
    {
        if (MessageText.TryParse(frame, out var sequence, out var sentAt))
        {
            subscriber.Deliver(new Delivery(sequence, sentAt, receivedAt), frame.Length);
        }

        return null;
    }
}
