using System.Text.Json.Nodes;

namespace RealtimeSync.OdooSimulator;

/// <summary>
/// An in-memory Odoo database with the behaviour an integration must respect: every row written by one
/// transaction gets that transaction's start time as write_date (microseconds kept, whole seconds shown),
/// rows become visible only when their transaction commits, unlink leaves no trace and cascades from
/// orders to their lines, and archived rows (active = false) hide from searches unless active_test is off.
/// </summary>
public sealed class OdooDatabase(string name, TimeProvider clock)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, SortedDictionary<int, JsonObject>> _committed = [];
    private readonly Dictionary<string, int> _sequences = [];
    private readonly Dictionary<(string Model, string Inverse, int Parent), SortedSet<int>> _children = [];

    public string Name { get; } = name;

    public string Uuid { get; set; } = Guid.NewGuid().ToString();

    public TimeProvider Clock { get; } = clock;

    /// <summary>Opens a transaction; its write_date is now, whatever time it commits.</summary>
    public OdooTransaction Begin() => new(this, Clock.GetUtcNow());

    /// <summary>One call, one transaction, as Odoo runs each RPC.</summary>
    public T Run<T>(Func<OdooTransaction, T> work)
    {
        var transaction = Begin();
        var result = work(transaction);
        transaction.Commit();
        return result;
    }

    /// <summary>Committed rows of a model, in id order (a snapshot: safe to enumerate while writers commit).</summary>
    public IReadOnlyList<JsonObject> Rows(string model)
    {
        lock (_gate)
        {
            return _committed.TryGetValue(model, out var rows) ? rows.Values.Select(row => row.DeepClone().AsObject()).ToList() : [];
        }
    }

    public JsonObject? Row(string model, int id)
    {
        lock (_gate)
        {
            return _committed.TryGetValue(model, out var rows) && rows.TryGetValue(id, out var row) ? row.DeepClone().AsObject() : null;
        }
    }

    /// <summary>Runs <paramref name="query"/> over the committed rows of a model without copying them. Rows are never mutated after commit.</summary>
    public T Query<T>(string model, Func<IEnumerable<JsonObject>, T> query)
    {
        lock (_gate)
        {
            return query(_committed.TryGetValue(model, out var rows) ? rows.Values : []);
        }
    }

    /// <summary>Ids of the rows of <paramref name="model"/> whose <paramref name="inverse"/> many2one points at <paramref name="parent"/>.</summary>
    public IReadOnlyList<int> Children(string model, string inverse, int parent)
    {
        lock (_gate)
        {
            return _children.TryGetValue((model, inverse, parent), out var ids) ? ids.ToList() : [];
        }
    }

    internal int NextId(string model)
    {
        lock (_gate)
        {
            _sequences[model] = _sequences.GetValueOrDefault(model) + 1;
            return _sequences[model];
        }
    }

    internal void Apply(IEnumerable<(string Model, int Id, JsonObject? Row)> changes)
    {
        lock (_gate)
        {
            foreach (var (model, id, row) in changes)
            {
                var rows = _committed.TryGetValue(model, out var existing) ? existing : _committed[model] = [];
                if (rows.TryGetValue(id, out var previous))
                {
                    Index(model, id, previous, add: false);
                }

                if (row is null)
                {
                    rows.Remove(id);
                }
                else
                {
                    rows[id] = row;
                    Index(model, id, row, add: true);
                }
            }
        }
    }

    private void Index(string model, int id, JsonObject row, bool add)
    {
        foreach (var (parentModel, fields) in OdooModels.Fields)
        {
            foreach (var field in fields.Values.Where(field => field.Type == "one2many" && field.Relation == model))
            {
                if (row[field.Inverse!] is JsonValue parent && parent.TryGetValue<int>(out var parentId))
                {
                    var key = (model, field.Inverse!, parentId);
                    if (add)
                    {
                        (_children.TryGetValue(key, out var ids) ? ids : _children[key] = []).Add(id);
                    }
                    else if (_children.TryGetValue(key, out var ids))
                    {
                        ids.Remove(id);
                    }
                }
            }
        }
    }
}

/// <summary>
/// A transaction: writes are staged and all carry the transaction's start time as write_date; nothing is
/// visible to readers until <see cref="Commit"/>. Unlinking an order unlinks its lines (ondelete cascade).
/// </summary>
public sealed class OdooTransaction(OdooDatabase database, DateTimeOffset started)
{
    private readonly List<(string Model, int Id, JsonObject? Row)> _changes = [];

    public DateTimeOffset Started { get; } = started;

    public int Create(string model, JsonObject values)
    {
        var id = database.NextId(model);
        var row = values.DeepClone().AsObject();
        row["id"] = id;
        row["active"] ??= true;
        row["create_date"] = Started.ToString("O");
        row["write_date"] = Started.ToString("O");
        _changes.Add((model, id, row));
        return id;
    }

    public void Write(string model, int id, JsonObject values)
    {
        var row = Current(model, id) ?? throw new OdooFault(2, $"Record does not exist or has been deleted. ({model}({id},))");
        foreach (var (field, value) in values)
        {
            row[field] = value?.DeepClone();
        }

        row["write_date"] = Started.ToString("O");
        _changes.Add((model, id, row));
    }

    public void Unlink(string model, int id)
    {
        if (model == "purchase.order")
        {
            foreach (var line in database.Children("purchase.order.line", "order_id", id))
            {
                _changes.Add(("purchase.order.line", line, null));
            }
        }

        _changes.Add((model, id, null));
    }

    public void Commit() => database.Apply(_changes);

    private JsonObject? Current(string model, int id)
    {
        var staged = _changes.LastOrDefault(change => change.Model == model && change.Id == id);
        return staged.Model is not null ? staged.Row?.DeepClone().AsObject() : database.Row(model, id);
    }
}

/// <summary>An Odoo fault: code 1 server error, 2 user/validation/missing, 3 access denied, 4 access error (XML-RPC's faultCode).</summary>
public sealed class OdooFault(int code, string message) : Exception(message)
{
    public int Code { get; } = code;
}
