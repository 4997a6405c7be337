using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RealtimeSync.OdooSimulator;

/// <summary>
/// The ORM's read side over committed rows: domains in Polish notation ('&amp;', '|', '!', terms
/// <c>[field, op, value]</c>), ordering, paging, active_test, and Odoo's output shapes (many2one as
/// <c>[id, display_name]</c> or <c>false</c>, empty values as <c>false</c>, datetimes as whole-second strings).
/// </summary>
public sealed class OdooQuery(OdooDatabase database)
{
    public List<int> Search(string model, JsonArray? domain, int offset, int? limit, string? order, JsonObject? context)
    {
        Known(model);
        var activeTest = context?["active_test"] is not JsonValue flag || !flag.TryGetValue<bool>(out var value) || value;
        return database.Query(model, all =>
        {
            var rows = all.Where(row => Matches(model, row, domain ?? []));
            if (activeTest && OdooModels.HasActive(model))
            {
                rows = rows.Where(row => row["active"] is not JsonValue active || !active.TryGetValue<bool>(out var isActive) || isActive);
            }

            rows = Order(rows, order).Skip(offset);
            return (limit is > 0 ? rows.Take(limit.Value) : rows).Select(row => (int)row["id"]!).ToList();
        });
    }

    public JsonArray Read(string model, IEnumerable<int> ids, IReadOnlyList<string>? fields)
    {
        Known(model);
        var result = new JsonArray();
        foreach (var id in ids)
        {
            var row = database.Row(model, id) ?? throw new OdooFault(2, $"Record does not exist or has been deleted.\n(Record: {model}({id},), User: 2)");
            result.Add(Shape(model, row, fields));
        }

        return result;
    }

    public JsonArray SearchRead(string model, JsonArray? domain, IReadOnlyList<string>? fields, int offset, int? limit, string? order, JsonObject? context) =>
        Read(model, Search(model, domain, offset, limit, order, context), fields);

    /// <summary>What the API returns for a row: requested fields (all when none), Odoo's value shapes.</summary>
    private JsonObject Shape(string model, JsonObject row, IReadOnlyList<string>? fields)
    {
        var names = fields is { Count: > 0 } ? fields.Prepend("id").Distinct() : row.Select(pair => pair.Key).Concat(OdooModels.Fields[model].Keys).Distinct();
        var shaped = new JsonObject();
        foreach (var name in names)
        {
            var field = OdooModels.Field(model, name) ?? throw new OdooFault(2, $"Invalid field '{name}' on model '{model}'");
            shaped[name] = field.Type switch
            {
                "many2one" => row[name] is JsonValue reference && reference.TryGetValue<int>(out var target) && database.Row(field.Relation!, target) is { } related
                    ? new JsonArray(target, (string?)related["name"] ?? $"{field.Relation},{target}")
                    : false,
                "one2many" => new JsonArray(database.Children(field.Relation!, field.Inverse!, (int)row["id"]!).Select(child => (JsonNode?)child).ToArray()),
                "datetime" => row[name] is JsonValue stamp ? SecondPrecision((string)stamp!) : false,
                _ => row[name]?.DeepClone() ?? false,
            };
        }

        return shaped;
    }

    /// <summary>Odoo stores microseconds but the API shows <c>YYYY-MM-DD HH:MM:SS</c> (UTC).</summary>
    public static string SecondPrecision(string stored) =>
        DateTimeOffset.Parse(stored, CultureInfo.InvariantCulture).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static bool Matches(string model, JsonObject row, JsonArray domain)
    {
        var position = 0;
        var terms = new List<bool>();
        while (position < domain.Count)
        {
            terms.Add(Evaluate(model, row, domain, ref position));
        }

        return terms.All(term => term); // implicit '&' between top-level terms
    }

    private static bool Evaluate(string model, JsonObject row, JsonArray domain, ref int position)
    {
        var node = domain[position++];
        if (node is JsonValue op && op.GetValueKind() == JsonValueKind.String)
        {
            return (string)op! switch
            {
                "&" => Evaluate(model, row, domain, ref position) & Evaluate(model, row, domain, ref position),
                "|" => Evaluate(model, row, domain, ref position) | Evaluate(model, row, domain, ref position),
                "!" => !Evaluate(model, row, domain, ref position),
                var other => throw new OdooFault(2, $"Invalid domain operator {other}"),
            };
        }

        if (node is not JsonArray { Count: 3 } term || term[0] is not JsonValue fieldName || term[1] is not JsonValue opName)
        {
            throw new OdooFault(2, $"Invalid leaf {node?.ToJsonString()}");
        }

        var field = (string)fieldName!;
        var kind = OdooModels.Field(model, field) ?? throw new OdooFault(2, $"Invalid field {model}.{field} in leaf {term.ToJsonString()}");
        return Compare(kind, row[field], (string)opName!, term[2]);
    }

    private static bool Compare(OdooField kind, JsonNode? stored, string op, JsonNode? operand)
    {
        if (op is "in" or "not in")
        {
            var listed = (operand as JsonArray ?? []).Any(item => Equal(kind, stored, item));
            return op == "in" ? listed : !listed;
        }

        if (op is "=" or "!=")
        {
            var equal = operand is JsonValue flag && flag.GetValueKind() == JsonValueKind.False ? stored is null || stored.GetValueKind() == JsonValueKind.False : Equal(kind, stored, operand);
            return op == "=" ? equal : !equal;
        }

        var order = CompareValues(kind, stored, operand);
        return order is { } sign && op switch
        {
            ">" => sign > 0,
            ">=" => sign >= 0,
            "<" => sign < 0,
            "<=" => sign <= 0,
            _ => throw new OdooFault(2, $"Invalid operator {op}"),
        };
    }

    private static bool Equal(OdooField kind, JsonNode? stored, JsonNode? operand) => CompareValues(kind, stored, operand) == 0;

    private static int? CompareValues(OdooField kind, JsonNode? stored, JsonNode? operand)
    {
        if (stored is null || operand is null || stored.GetValueKind() == JsonValueKind.False && kind.Type != "boolean")
        {
            return null;
        }

        return kind.Type switch
        {
            // Compared as PostgreSQL does: the stored value has microseconds, the operand is what the client sent.
            "datetime" => DateTimeOffset.Parse((string)stored!, CultureInfo.InvariantCulture)
                .CompareTo(DateTimeOffset.Parse((string)operand!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)),
            "integer" or "many2one" or "float" => Number(stored).CompareTo(Number(operand)),
            "boolean" => stored.GetValue<bool>().CompareTo(operand.GetValue<bool>()),
            _ => string.CompareOrdinal(stored.ToString(), operand.ToString()),
        };
    }

    /// <summary>Any JSON number (an int from XML-RPC, a double from JSON) as a double.</summary>
    private static double Number(JsonNode node) => double.Parse(node.ToJsonString(), CultureInfo.InvariantCulture);

    private static IEnumerable<JsonObject> Order(IEnumerable<JsonObject> rows, string? order)
    {
        if (order is null || order.Trim() is "id" or "id asc")
        {
            return rows; // rows are kept in id order already
        }

        IOrderedEnumerable<JsonObject>? ordered = null;
        foreach (var clause in (order ?? "id asc").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = clause.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var descending = parts.Length > 1 && parts[1].Equals("desc", StringComparison.OrdinalIgnoreCase);
            Func<JsonObject, IComparable> key = parts[0] switch
            {
                "id" => row => (int)row["id"]!,
                "write_date" or "create_date" => row => DateTimeOffset.Parse((string)row[parts[0]]!, CultureInfo.InvariantCulture),
                var name => row => row[name]?.ToString() ?? string.Empty,
            };
            ordered = ordered is null
                ? descending ? rows.OrderByDescending(key) : rows.OrderBy(key)
                : descending ? ordered.ThenByDescending(key) : ordered.ThenBy(key);
        }

        return ordered ?? rows;
    }

    private static void Known(string model)
    {
        if (!OdooModels.Fields.ContainsKey(model))
        {
            throw new OdooFault(2, $"Object {model} doesn't exist");
        }
    }
}
