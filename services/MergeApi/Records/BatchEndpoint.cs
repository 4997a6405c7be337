using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using RealtimeSync.Contracts.Http;
using RealtimeSync.MergeApi.Collections;
using RealtimeSync.MergeApi.Merging;
using RealtimeSync.ServiceDefaults.Auth;

namespace RealtimeSync.MergeApi.Records;

/// <summary>
/// <c>POST /api/records/_batch</c>, seed 003's <c>queueSync</c> done server-side: many writes in one request,
/// applied in the order given (so rapid successive writes to one record land in order) in one transaction, each with
/// its own result: one refused (a conflict, a rule, a bad operation) writes nothing and never stops or undoes another.
/// Body: <c>{"operations":[{"method":"PUT","collection":"settings","id":"main","body":{...},"ifMatch":"\"3\"","preserveFields":[...]}]}</c>.
/// </summary>
public static class BatchEndpoint
{
    private static readonly Dictionary<string, WriteVerb> Methods = new(StringComparer.OrdinalIgnoreCase)
    {
        ["POST"] = WriteVerb.Post,
        ["PUT"] = WriteVerb.Put,
        ["PATCH"] = WriteVerb.Patch,
        ["DELETE"] = WriteVerb.Delete,
    };

    public static IEndpointRouteBuilder MapBatchEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/records/_batch", BatchAsync).RequireAuthorization(Policies.Writer).WithTags("Records")
            .WithSummary("Many writes in one request")
            .WithDescription("Applies the operations in the order given (so rapid saves of one record land in order), together in one transaction, "
                + "each with its own result: one refused writes nothing and never stops or undoes another. A batch whose body is wrong, or one of whose documents is too deep, "
                + "is refused whole before any operation runs.")
            .Takes<RouteHandlerBuilder, BatchRequest>()
            .Answers<RouteHandlerBuilder, BatchAnswer>(StatusCodes.Status200OK, "One result per operation, with the status its single request would have answered.")
            .RefusesJsonBody("application/json", "MergeApi:MaxBodyBytes, 1 MiB",
                "`operations` is not an array of 1 to MergeApi:MaxBatchOperations (`errors`), or a document is nested too deep (`maxDepth`).");
        return app;
    }

    private static async Task<IResult> BatchAsync(HttpContext http, RecordWriter writer, IOptions<MergeApiOptions> options, CancellationToken cancellationToken)
    {
        // { "operations": [ { "body": <document> } ] }: three levels of envelope above each document. A batch with
        // one document too deep is refused whole, before any operation runs.
        var (body, problem) = await JsonRequestBody.ReadObjectAsync(http.Request, options.Value.MaxBodyBytes, envelopeDepth: 3);
        if (problem is not null)
        {
            return problem;
        }

        if (body!["operations"] is not JsonArray operations || operations.Count == 0 || operations.Count > options.Value.MaxBatchOperations)
        {
            return Results.ValidationProblem(
                new Dictionary<string, string[]> { ["operations"] = [$"an array of 1 to {options.Value.MaxBatchOperations} operations"] },
                statusCode: StatusCodes.Status422UnprocessableEntity, title: "Invalid batch");
        }

        // Every operation is parsed first; the valid ones are applied together, in order, in one transaction.
        var origin = http.Request.Headers[RecordsEndpoints.ConnectionIdHeader].FirstOrDefault();
        var parsed = operations.Select(node => node is JsonObject operation ? Parse(operation, http.User.Identity?.Name, origin) : (Write: null, Refusal: Refused("each operation must be an object"))).ToList();
        var written = new Queue<WriteOutcome>(await writer.WriteManyAsync(parsed.Select(item => item.Write).OfType<RecordWrite>().ToList(), cancellationToken));
        var results = parsed.Select((item, index) =>
        {
            var (status, result) = item.Write is not null ? WriteResults.Describe(written.Dequeue()) : item.Refusal!.Value;
            return new BatchResult(index, status, System.Text.Json.JsonSerializer.SerializeToNode(result, result.GetType(), System.Text.Json.JsonSerializerOptions.Web)!.AsObject());
        }).ToList();
        return TypedResults.Ok(new BatchAnswer(results));
    }

    private static (RecordWrite? Write, (int, object)? Refusal) Parse(JsonObject operation, string? actor, string? origin)
    {
        var method = (operation["method"] as JsonValue)?.ToString() ?? string.Empty;
        var collection = (operation["collection"] as JsonValue)?.ToString() ?? string.Empty;
        var id = (operation["id"] as JsonValue)?.ToString();
        if (!Methods.TryGetValue(method, out var verb))
        {
            return (null, Refused("'method' must be POST, PUT, PATCH or DELETE"));
        }

        if (RecordsEndpoints.InvalidKey(collection, id) is not null || (verb != WriteVerb.Post && id is null))
        {
            return (null, Refused("'collection' and (except for POST) 'id' must be valid names"));
        }

        if (verb != WriteVerb.Delete && operation["body"] is not JsonObject)
        {
            return (null, Refused("'body' must be a JSON object"));
        }

        var preserve = operation["preserveFields"] is JsonArray fields ? fields.Select(field => field?.ToString() ?? string.Empty).Where(field => field.Length > 0).ToList() : [];
        return (new RecordWrite(verb, collection, id, operation["body"] as JsonObject, (operation["ifMatch"] as JsonValue)?.ToString(), preserve, actor, origin), null);
    }

    private static (int, object) Refused(string detail) =>
        (StatusCodes.Status400BadRequest, new ProblemDetails { Status = StatusCodes.Status400BadRequest, Title = "Invalid operation", Detail = detail });
}
