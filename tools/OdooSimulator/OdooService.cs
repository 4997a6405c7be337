using System.Text.Json.Nodes;

namespace RealtimeSync.OdooSimulator;

/// <summary>Who may call: a login with a password, or an API key (JSON-2 and, in Odoo 14+, XML-RPC too).</summary>
public sealed record OdooUser(int Uid, string Login, string Password, string ApiKey);

/// <summary>
/// The model methods both protocols call, with Odoo's checks: the database must exist, the credentials must
/// match (fault 3 otherwise), the model and method must exist. Transport concerns (faults as XML-RPC faults or
/// HTTP statuses, slow answers, injected failures) live in the protocol handlers.
/// </summary>
public sealed class OdooService(OdooDatabase database, OdooUser user)
{
    private readonly OdooQuery _query = new(database);

    public OdooDatabase Database => database;

    public OdooUser User => user;

    public static JsonObject Version() => new()
    {
        ["server_version"] = "19.0",
        ["server_version_info"] = new JsonArray(19, 0, 0, "final", 0, ""),
        ["server_serie"] = "19.0",
        ["protocol_version"] = 1,
    };

    public int? Authenticate(string db, string login, string secret) =>
        db == database.Name && login == user.Login && (secret == user.Password || secret == user.ApiKey) ? user.Uid : null;

    public void CheckDatabase(string db)
    {
        if (db != database.Name)
        {
            throw new OdooFault(1, $"database \"{db}\" does not exist");
        }
    }

    public bool IsSecret(string secret) => secret == user.Password || secret == user.ApiKey;

    /// <summary>
    /// Calls that break: given (model, method, named parameters), true answers the call with a server error
    /// (fault 1), to interrupt a sync at a chosen point. Sees every call, so a test can also watch them.
    /// </summary>
    public Func<string, string, JsonObject, bool>? Breaks { get; set; }

    /// <summary>The fault a broken call raises: 1 server error (default), 3 access denied, 4 access error.</summary>
    public int BreakFaultCode { get; set; } = 1;

    /// <summary>Runs a model method with named parameters (JSON-2's shape; XML-RPC's positional args are mapped to it first).</summary>
    public JsonNode? Call(string model, string method, JsonObject parameters)
    {
        if (Breaks?.Invoke(model, method, parameters) == true)
        {
            throw BreakFaultCode == 1
                ? new OdooFault(1, $"Traceback (most recent call last):\n  simulated server error in {model}.{method}")
                : new OdooFault(BreakFaultCode, $"You are not allowed to access '{model}' records (simulated access error in {method}).");
        }

        var context = parameters["context"] as JsonObject;
        return (model, method) switch
        {
            ("ir.config_parameter", "get_param") => (string?)parameters["key"] == "database.uuid" ? database.Uuid : false,
            (_, "search_read") => _query.SearchRead(model, parameters["domain"] as JsonArray, Fields(parameters), Int(parameters, "offset") ?? 0, Int(parameters, "limit"), (string?)parameters["order"], context),
            (_, "search") => new JsonArray(_query.Search(model, parameters["domain"] as JsonArray, Int(parameters, "offset") ?? 0, Int(parameters, "limit"), (string?)parameters["order"], context).Select(id => (JsonNode?)id).ToArray()),
            (_, "search_count") => _query.Search(model, parameters["domain"] as JsonArray, 0, null, null, context).Count,
            (_, "read") => _query.Read(model, Ids(parameters), Fields(parameters)),
            (_, "create") => Create(model, parameters["vals_list"]),
            (_, "write") => database.Run(transaction =>
            {
                Ids(parameters).ForEach(id => transaction.Write(model, id, parameters["vals"] as JsonObject ?? []));
                return true;
            }),
            (_, "unlink") => database.Run(transaction =>
            {
                Ids(parameters).ForEach(id => transaction.Unlink(model, id));
                return true;
            }),
            _ => throw new OdooFault(2, $"The method '{method}' does not exist on the model '{model}'"),
        };
    }

    private JsonNode Create(string model, JsonNode? values) => database.Run(transaction => values switch
    {
        JsonArray list => (JsonNode)new JsonArray(list.Select(item => (JsonNode?)transaction.Create(model, item!.AsObject())).ToArray()),
        JsonObject single => transaction.Create(model, single),
        _ => throw new OdooFault(2, "create needs a dict or a list of dicts"),
    });

    private static List<int> Ids(JsonObject parameters) => parameters["ids"] switch
    {
        JsonArray ids => ids.Select(id => (int)id!).ToList(),
        JsonValue one => [(int)one],
        _ => [],
    };

    private static List<string>? Fields(JsonObject parameters) =>
        parameters["fields"] is JsonArray fields ? fields.Select(field => (string)field!).ToList() : null;

    private static int? Int(JsonObject parameters, string name) =>
        parameters[name] is JsonValue value && value.TryGetValue<int>(out var number) ? number : null;
}
