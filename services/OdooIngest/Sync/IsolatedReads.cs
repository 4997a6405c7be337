using System.Text.Json.Nodes;
using RealtimeSync.OdooIngest.Odoo;

namespace RealtimeSync.OdooIngest.Sync;

/// <summary>A record Odoo refused to read, with Odoo's reason.</summary>
public sealed record Unreadable(int Id, string Error);

/// <summary>What a read returned: the rows, and the ids Odoo refused one by one.</summary>
public sealed record IsolatedRows(List<JsonObject> Rows, List<Unreadable> Unreadable);

/// <summary>A keyset page: its rows, the ids Odoo refused, how many ids it held and the last one (where the next page starts).</summary>
public sealed record IsolatedPage(List<JsonObject> Rows, List<Unreadable> Unreadable, int Count, int LastId);

/// <summary>
/// Reads that survive one record Odoo cannot read (a computed field that raises, a record rule that refuses
/// it): when a page or a chunk is refused with a fault, its ids are read again by halves down to the single
/// ids that fault, which come back as <see cref="Unreadable"/>; everything else is read. Transient errors and
/// rejected credentials are not isolated: they are not about one record, and they stop the run.
/// </summary>
public static class IsolatedReads
{
    public static async Task<IsolatedPage> PageAsync(
        IOdooApi odoo, string model, JsonArray domain, IReadOnlyList<string> fields, int limit, CancellationToken cancellationToken)
    {
        try
        {
            var rows = (await odoo.SearchReadAsync(model, domain, fields, limit, "id asc", cancellationToken)).Select(row => row!.AsObject()).ToList();
            return new IsolatedPage(rows, [], rows.Count, rows.Count == 0 ? 0 : (int)rows[^1]["id"]!);
        }
        catch (OdooApiException ex) when (ex.Kind == OdooErrorKind.Fault)
        {
            var ids = await odoo.SearchAsync(model, domain, limit, "id asc", cancellationToken);
            var read = await ReadAsync(odoo, model, ids, fields, cancellationToken);
            if (read.Rows.Count == 0 && read.Unreadable.Count > 1)
            {
                // A whole page refused, id by id: the fault is not about a record (a field that does not exist, a missing right).
                throw new OdooApiException(OdooErrorKind.Fault, $"Odoo refused to read every one of {read.Unreadable.Count} {model} records: {read.Unreadable[0].Error}", ex.FaultCode, ex);
            }

            return new IsolatedPage(read.Rows, read.Unreadable, ids.Count, ids.Count == 0 ? 0 : ids[^1]);
        }
    }

    /// <summary>
    /// Reads <paramref name="ids"/>, isolating the ones Odoo refuses. Retries and children may all be bad records,
    /// so here refusing every id is not taken for a systematic fault (window pages are, in <see cref="PageAsync"/>).
    /// </summary>
    public static async Task<IsolatedRows> ReadAsync(IOdooApi odoo, string model, IReadOnlyList<int> ids, IReadOnlyList<string> fields, CancellationToken cancellationToken)
    {
        var result = new IsolatedRows([], []);
        await ReadIntoAsync(odoo, model, ids, fields, result, cancellationToken);
        return result;
    }

    private static async Task ReadIntoAsync(IOdooApi odoo, string model, IReadOnlyList<int> ids, IReadOnlyList<string> fields, IsolatedRows result, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return;
        }

        try
        {
            result.Rows.AddRange((await odoo.ReadAsync(model, ids, fields, cancellationToken)).Select(row => row!.AsObject()));
        }
        catch (OdooApiException ex) when (ex.Kind == OdooErrorKind.Fault)
        {
            if (ids.Count == 1)
            {
                result.Unreadable.Add(new Unreadable(ids[0], ex.Message));
                return;
            }

            var half = ids.Count / 2;
            await ReadIntoAsync(odoo, model, ids.Take(half).ToList(), fields, result, cancellationToken);
            await ReadIntoAsync(odoo, model, ids.Skip(half).ToList(), fields, result, cancellationToken);
        }
    }
}
