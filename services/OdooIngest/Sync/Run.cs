using Npgsql;
using RealtimeSync.OdooIngest.Odoo;

namespace RealtimeSync.OdooIngest.Sync;

/// <summary>One run of one stream as its passes share it: what it is syncing, its lock, its counts and errors, the ids it read, the oldest failure.</summary>
internal sealed record Run(string Stream, string Database, SyncStreamOptions Options, IOdooApi Odoo, StreamLock Lease, RunCounts Counts, List<string> Errors)
{
    private readonly Dictionary<string, ReadIds> _read = [];

    private readonly Dictionary<(string Model, int Id), string> _refused = [];

    public DateTimeOffset? OldestFailure { get; private set; }

    public bool FailureWithoutDate { get; private set; }

    /// <summary>The ids of <paramref name="model"/> this run has read: a later pass of the run skips them.</summary>
    public ReadIds Read(string model) => _read.TryGetValue(model, out var ids) ? ids : _read[model] = new ReadIds();

    /// <summary>Notes that Odoo refused to read a record: it counts as read, and a parent of it read later in the run is refused with this error, not read again.</summary>
    public void NoteUnreadable(string model, Unreadable record)
    {
        Read(model).Add(record.Id);
        _refused[(model, record.Id)] = record.Error;
    }

    /// <summary>Why Odoo refused to read the record earlier in this run; null if it did not.</summary>
    public string? RefusedError(string model, int id) => _refused.GetValueOrDefault((model, id));

    public void NoteFailure(string? writeDate)
    {
        if (OdooRow.WriteTime(writeDate) is not { } at)
        {
            FailureWithoutDate = true;
            return;
        }

        OldestFailure = OldestFailure is { } known && known < at ? known : at;
    }

    /// <summary>Every write of a run commits only while the run still holds its stream's lock (the fence).</summary>
    public async Task CommitAsync(NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await Lease.AssertHeldAsync(transaction.Connection!, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
