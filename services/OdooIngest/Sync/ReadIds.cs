namespace RealtimeSync.OdooIngest.Sync;

/// <summary>
/// A set of one model's ids, one bit per id, because Odoo's ids are dense from 1: a million lines hold 125 KB, not a hash
/// set of them. A run keeps the ids it has read in one, so no later pass reads (and counts) them again; reconciliation
/// keeps Odoo's in one.
/// </summary>
public sealed class ReadIds
{
    private ulong[] _words = [];

    public void Add(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        var word = id >> 6;
        if (word >= _words.Length)
        {
            Array.Resize(ref _words, Math.Max(word + 1, _words.Length * 2));
        }

        _words[word] |= 1UL << (id & 63);
    }

    public bool Contains(int id) => id >= 0 && id >> 6 < _words.Length && (_words[id >> 6] & (1UL << (id & 63))) != 0;
}
