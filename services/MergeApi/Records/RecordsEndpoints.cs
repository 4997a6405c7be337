using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
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

    public static IEndpointRouteBuilder MapRecordsEndpoints(this IEndpointRouteBuilder app)
    {
        var collection = app.MapGroup("/api/records/{collection}");
        collection.MapGet("", ListAsync).RequireAuthorization(Policies.Reader);
        collection.MapPost("", (string collection, HttpContext http, RecordWriter writer, CancellationToken ct) =>
            WriteAsync(WriteVerb.Post, collection, null, http, writer, ct)).RequireAuthorization(Policies.Writer);

        var record = collection.MapGroup("/{id}");
        record.MapGet("", GetAsync).RequireAuthorization(Policies.Reader);
        record.MapGet("/history", HistoryAsync).RequireAuthorization(Policies.Reader);
        foreach (var (method, verb) in new[] { ("PUT", WriteVerb.Put), ("PATCH", WriteVerb.Patch), ("DELETE", WriteVerb.Delete) })
        {
            record.MapMethods("", [method], (string collection, string id, HttpContext http, RecordWriter writer, CancellationToken ct) =>
                WriteAsync(verb, collection, id, http, writer, ct)).RequireAuthorization(Policies.Writer);
        }

        return app;
    }

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
        return Results.Ok(new { record.Collection, record.Id, record.Version, record.Data });
    }

    /// <summary><c>GET /api/records/{collection}?since=&lt;version&gt;&amp;limit=</c>: what changed after a version, in version order, paged.</summary>
    private static async Task<IResult> ListAsync(string collection, long? since, int? limit, RecordStore store, CollectionCatalog catalog, CancellationToken cancellationToken)
    {
        if ((InvalidKey(collection, null) ?? UnknownCollection(collection, catalog)) is { } problem)
        {
            return problem;
        }

        if (since < 0 || limit is < 1 or > 1000)
        {
            return JsonRequestBody.Problem(StatusCodes.Status400BadRequest, "Invalid paging", "'since' is a version (0 or more); 'limit' is 1 to 1000.");
        }

        var page = limit ?? 100;
        var records = await store.ListSinceAsync(collection, since ?? 0, page + 1, cancellationToken);
        var items = records.Take(page).ToList();
        return Results.Ok(new
        {
            collection,
            items = items.Select(item => new { item.Record.Id, item.Record.Version, item.Deleted, Data = item.Deleted ? null : item.Record.Data }),
            nextSince = items.Count > 0 ? items[^1].Record.Version : since ?? 0,
            hasMore = records.Count > page,
        });
    }

    private static async Task<IResult> HistoryAsync(string collection, string id, RecordHistory history, CollectionCatalog catalog, CancellationToken cancellationToken)
    {
        if ((InvalidKey(collection, id) ?? UnknownCollection(collection, catalog)) is { } problem)
        {
            return problem;
        }

        var entries = await history.ListAsync(collection, id, cancellationToken);
        return entries.Count == 0
            ? JsonRequestBody.Problem(StatusCodes.Status404NotFound, "No history", $"'{id}' in '{collection}' was never written.")
            : Results.Ok(new { collection, id, entries });
    }

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
