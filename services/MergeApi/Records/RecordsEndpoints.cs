using System.ComponentModel;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using RealtimeSync.Contracts;
using RealtimeSync.Contracts.Http;
using RealtimeSync.MergeApi.Collections;
using RealtimeSync.MergeApi.Merging;
using RealtimeSync.ServiceDefaults.Auth;

namespace RealtimeSync.MergeApi.Records;

/// <summary>The records API: reads for any signed-in user, writes for editors and admins.</summary>
public static partial class RecordsEndpoints
{
    /// <summary>The push connection a write came from; its own change is not echoed back to it.</summary>
    public const string ConnectionIdHeader = "X-Connection-Id";

    public const string MergePatchMediaType = "application/merge-patch+json";

    private const int DefaultPage = 100;

    public static IEndpointRouteBuilder MapRecordsEndpoints(this IEndpointRouteBuilder app)
    {
        var collection = app.MapGroup("/api/records/{collection}").WithTags("Records");
        collection.MapGet("", ListAsync).RequireAuthorization(Policies.Reader)
            .WithSummary("What changed in a collection after a version")
            .WithDescription("Every record written after version `since` (0: from the start), in version order, deletions as tombstones, "
                + "at most `limit` (1-1000, default 100) per page. Pass `nextSince` as the next `since` while `hasMore`. "
                + "Versions follow commit order, so a client that keeps its last `nextSince` never misses a change.")
            .Answers<RouteHandlerBuilder, RecordPage>(StatusCodes.Status200OK, "A page of changes.")
            .Refuses(StatusCodes.Status400BadRequest, "An invalid collection name, or `since` below 0, `limit` outside 1-1000, or either not a number.")
            .Refuses(StatusCodes.Status404NotFound, "The collection is not declared (MergeApi:Collections).");
        Write(collection.MapPost("", (string collection, HttpContext http, RecordWriter writer, CancellationToken ct) =>
                WriteAsync(WriteVerb.Post, collection, null, http, writer, ct)), "application/json")
            .WithSummary("Create a record")
            .WithDescription("Creates a record from the body's fields; its id is the body's key field (the collection's `idField`), or a generated one. "
                + "Smart merge applies: preserved and server fields (`createdAt`, `updatedAt`, `updatedBy`) keep the server's values and are listed in `ignoredFields`.")
            .Answers<RouteHandlerBuilder, WrittenRecord>(StatusCodes.Status201Created, "Created: the record, its version as `ETag`, its address as `Location`.")
            .Refuses(StatusCodes.Status404NotFound, "The collection is not declared.")
            .Refuses(StatusCodes.Status409Conflict, "A record with that id exists already: PUT or PATCH it.");

        var record = collection.MapGroup("/{id}");
        record.MapGet("", GetAsync).RequireAuthorization(Policies.Reader)
            .WithSummary("Read a record")
            .WithDescription("The record's current fields and version; the version is also the `ETag`, to send back as `If-Match` when saving.")
            .Answers<RouteHandlerBuilder, RecordView>(StatusCodes.Status200OK, "The record, its version as `ETag`.")
            .Refuses(StatusCodes.Status400BadRequest, "An invalid collection name or record id.")
            .Refuses(StatusCodes.Status404NotFound, "No such record (or it was deleted), or the collection is not declared.");
        record.MapGet("/history", HistoryAsync).RequireAuthorization(Policies.Reader)
            .WithSummary("A record's history")
            .WithDescription("The record's committed changes after version `since` (0: from the first), oldest first, at most `limit` (1-1000, default 100) per page: "
                + "version, operation, actor, time, changed fields, and the whole document before and after. Pass `nextSince` as the next `since` while `hasMore`.")
            .Answers<RouteHandlerBuilder, RecordHistoryView>(StatusCodes.Status200OK, "A page of the record's changes.")
            .Refuses(StatusCodes.Status400BadRequest, "An invalid collection name or record id, or `since` below 0, `limit` outside 1-1000, or either not a number.")
            .Refuses(StatusCodes.Status404NotFound, "The record was never written, or the collection is not declared.");

        Write(MapWrite(record, "PUT", WriteVerb.Put), "application/json")
            .WithSummary("Replace a record's editable fields (create it if absent)")
            .WithDescription("Replaces the record's editable fields by the body's; preserved and server fields keep the stored values. "
                + "With `If-Match: \"<version>\"` the save fails with 412 if someone saved since; `If-Match: *` needs the record to exist. "
                + "A save that changes nothing answers `unchanged` and makes no version.")
            .Answers<RouteHandlerBuilder, WrittenRecord>(StatusCodes.Status200OK, "Updated or unchanged: the record, its version as `ETag`.")
            .Answers<RouteHandlerBuilder, WrittenRecord>(StatusCodes.Status201Created, "Created: the record, its version as `ETag`.")
            .Refuses(StatusCodes.Status404NotFound, "The collection is not declared.");
        Write(MapWrite(record, "PATCH", WriteVerb.Patch), MergePatchMediaType)
            .WithSummary("Change some fields of a record (RFC 7396 merge patch)")
            .WithDescription("A JSON merge patch (`application/merge-patch+json`): the fields it names are set, those set to null removed, the rest kept.")
            .Answers<RouteHandlerBuilder, WrittenRecord>(StatusCodes.Status200OK, "Updated or unchanged: the record, its version as `ETag`.")
            .Refuses(StatusCodes.Status404NotFound, "No such record, or the collection is not declared.");
        Write(MapWrite(record, "DELETE", WriteVerb.Delete), null)
            .WithSummary("Delete a record")
            .WithDescription("Deletes the record; the deletion is a version of its own, kept in the history and sent to subscribers like any change.")
            .Answers<RouteHandlerBuilder, WrittenRecord>(StatusCodes.Status200OK, "Deleted: the record's last version, `data` null.")
            .Refuses(StatusCodes.Status404NotFound, "No such record, or the collection is not declared.");
        return app;
    }

    private static RouteHandlerBuilder MapWrite(RouteGroupBuilder record, string method, WriteVerb verb) =>
        record.MapMethods("", [method], (string collection, string id, HttpContext http, RecordWriter writer, CancellationToken ct) =>
            WriteAsync(verb, collection, id, http, writer, ct));

    /// <summary>What every single write shares: the writer role, its headers and query, its body and its refusals.</summary>
    private static RouteHandlerBuilder Write(RouteHandlerBuilder write, string? mediaType)
    {
        write.RequireAuthorization(Policies.Writer)
            .Refuses<RouteHandlerBuilder, EditConflictProblem>(StatusCodes.Status412PreconditionFailed,
                "`If-Match` names another version than the current one (someone saved meanwhile), or is `*` and the record does not exist: "
                + "the current record and the fields changed since.")
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(Header("If-Match", "Save only if the record is still at this version: its `ETag`, e.g. `\"3\"`, or `*` (it must exist)."));
                operation.Parameters.Add(Header(ConnectionIdHeader, "The push connection this write comes from (its `welcome`'s `connectionId`): its own change is not echoed to it."));
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = "preserveFields",
                    In = ParameterLocation.Query,
                    Description = "Comma-separated fields to keep as stored whatever the body says; adds to the collection's preserved fields, never removes.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });
                return Task.CompletedTask;
            });
        if (mediaType is null)
        {
            write.Refuses(StatusCodes.Status400BadRequest, "An invalid collection name or record id.");
        }
        else
        {
            write.Takes<RouteHandlerBuilder, JsonObject>(mediaType).RefusesJsonBody(mediaType, "MergeApi:MaxBodyBytes, 1 MiB",
                "The document breaks the collection's rules (required fields, field types; `errors` names each), or is nested too deep (`maxDepth`).",
                "An invalid collection name or record id, or a body that is not a JSON object (malformed, duplicate names, unstorable text).");
        }

        return write;
    }

    private static OpenApiParameter Header(string name, string description) =>
        new() { Name = name, In = ParameterLocation.Header, Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };

    private static async Task<IResult> WriteAsync(WriteVerb verb, string collection, string? id, HttpContext http, RecordWriter writer, CancellationToken cancellationToken)
    {
        if (InvalidKey(collection, id) is { } invalid)
        {
            return invalid;
        }

        JsonObject? body = null;
        if (verb != WriteVerb.Delete)
        {
            var (read, problem) = await JsonRequestBody.ReadObjectAsync(
                http.Request, http.RequestServices.GetRequiredService<IOptions<MergeApiOptions>>().Value.MaxBodyBytes,
                mediaTypes: verb == WriteVerb.Patch ? [MergePatchMediaType] : ["application/json"]);
            if (problem is not null)
            {
                return problem;
            }

            body = read;
        }

        var preserve = (http.Request.Query["preserveFields"].FirstOrDefault() ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var write = new RecordWrite(verb, collection, id, body, (http.Request.Headers.IfMatch is { Count: > 0 } ifMatch ? ifMatch.ToString() : null), preserve,
            http.User.Identity?.Name, http.Request.Headers[ConnectionIdHeader].FirstOrDefault());
        return WriteResults.ToResult(await writer.WriteAsync(write, cancellationToken), http);
    }

    private static async Task<IResult> GetAsync(string collection, string id, RecordStore store, CollectionCatalog catalog, HttpContext http, CancellationToken cancellationToken)
    {
        if ((InvalidKey(collection, id) ?? UnknownCollection(collection, catalog)) is { } problem)
        {
            return problem;
        }

        var record = await store.GetAsync(collection, id, cancellationToken);
        if (record is null)
        {
            return JsonRequestBody.Problem(StatusCodes.Status404NotFound, "Record not found", $"No record '{id}' in '{collection}'.");
        }

        http.Response.Headers.ETag = WriteResults.ETag(record.Version);
        return TypedResults.Ok(new RecordView(record.Collection, record.Id, record.Version, record.Data));
    }

    /// <summary><c>GET /api/records/{collection}?since=&lt;version&gt;&amp;limit=</c>: what changed after a version, in version order, paged.</summary>
    private static async Task<IResult> ListAsync(
        string collection,
        [Description("The version after which to list (0, the default: from the start); the previous page's `nextSince`.")] long? since,
        [Description("Records per page, 1-1000 (default 100).")] int? limit, RecordStore store, CollectionCatalog catalog, CancellationToken cancellationToken)
    {
        if ((InvalidKey(collection, null) ?? UnknownCollection(collection, catalog) ?? InvalidPaging(since, limit)) is { } problem)
        {
            return problem;
        }

        var page = limit ?? DefaultPage;
        var records = await store.ListSinceAsync(collection, since ?? 0, page + 1, cancellationToken);
        var items = records.Take(page).ToList();
        return TypedResults.Ok(new RecordPage(
            collection,
            [.. items.Select(item => new RecordPageItem(item.Record.Id, item.Record.Version, item.Deleted, item.Deleted ? null : item.Record.Data))],
            items.Count > 0 ? items[^1].Record.Version : since ?? 0,
            records.Count > page));
    }

    private static async Task<IResult> HistoryAsync(
        string collection, string id,
        [Description("The version after which to list (0, the default: from the first change); the previous page's `nextSince`.")] long? since,
        [Description("Changes per page, 1-1000 (default 100).")] int? limit, RecordHistory history, CollectionCatalog catalog, CancellationToken cancellationToken)
    {
        if ((InvalidKey(collection, id) ?? UnknownCollection(collection, catalog) ?? InvalidPaging(since, limit)) is { } problem)
        {
            return problem;
        }

        var page = limit ?? DefaultPage;
        var entries = await history.ListAsync(collection, id, since ?? 0, page + 1, cancellationToken);
        if (entries.Count == 0 && (since is null or 0 || !await history.ExistsAsync(collection, id, cancellationToken)))
        {
            return JsonRequestBody.Problem(StatusCodes.Status404NotFound, "No history", $"'{id}' in '{collection}' was never written.");
        }

        var items = entries.Take(page).ToList();
        return TypedResults.Ok(new RecordHistoryView(collection, id, items, items.Count > 0 ? items[^1].Version : since ?? 0, entries.Count > page));
    }

    /// <summary>The paging every list here shares: a version to start after and a page size.</summary>
    private static IResult? InvalidPaging(long? since, int? limit) =>
        since < 0 || limit is < 1 or > 1000
            ? JsonRequestBody.Problem(StatusCodes.Status400BadRequest, "Invalid paging", "'since' is a version (0 or more); 'limit' is 1 to 1000.")
            : null;

    internal static IResult? UnknownCollection(string collection, CollectionCatalog catalog) =>
        catalog.Find(collection) is null
            ? JsonRequestBody.Problem(StatusCodes.Status404NotFound, "Unknown collection",
                $"'{collection}' is not declared; known collections: {string.Join(", ", catalog.Names)}. Declare it under MergeApi:Collections.")
            : null;

    internal static IResult? InvalidKey(string collection, string? id) =>
        !CollectionName().IsMatch(collection)
            ? JsonRequestBody.Problem(StatusCodes.Status400BadRequest, "Invalid collection name", "Use 1-64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit.")
            : id is not null && !PushTopics.IsSegment(id)
                ? JsonRequestBody.Problem(StatusCodes.Status400BadRequest, "Invalid record id", "Use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit.")
                : null;

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}\\z")]
    internal static partial Regex CollectionName();
}
