using System.Text.RegularExpressions;
using RealtimeSync.ServiceDefaults.Auth;
using RealtimeSync.ServiceDefaults.Http;

namespace RealtimeSync.MergeApi.Records;

public static partial class RecordsEndpoints
{
    /// <summary>The push connection a write came from; its own change is not echoed back to it.</summary>
    public const string ConnectionIdHeader = "X-Connection-Id";

    public static IEndpointRouteBuilder MapRecordsEndpoints(this IEndpointRouteBuilder app)
    {
        var records = app.MapGroup("/api/records/{collection}/{id}");
        records.MapGet("", GetAsync).RequireAuthorization(Policies.Reader);
        records.MapPut("", PutAsync).RequireAuthorization(Policies.Writer);
        return app;
    }

    private static async Task<IResult> GetAsync(string collection, string id, RecordStore store, HttpContext http, CancellationToken cancellationToken)
    {
        if (InvalidKey(collection, id) is { } invalid)
        {
            return invalid;
        }

        var record = await store.GetAsync(collection, id, cancellationToken);
        if (record is null)
        {
            return JsonRequestBody.Problem(StatusCodes.Status404NotFound, "Record not found", $"No record '{id}' in '{collection}'.");
        }

        http.Response.Headers.ETag = ETag(record.Version);
        return Results.Ok(new { record.Collection, record.Id, record.Version, record.Data });
    }

    private static async Task<IResult> PutAsync(string collection, string id, RecordStore store, HttpContext http, CancellationToken cancellationToken)
    {
        if (InvalidKey(collection, id) is { } invalid)
        {
            return invalid;
        }

        var (body, problem) = await JsonRequestBody.ReadObjectAsync(http.Request);
        if (problem is not null)
        {
            return problem;
        }

        var context = new WriteContext(http.User.Identity?.Name, http.Request.Headers[ConnectionIdHeader].FirstOrDefault());
        var result = await store.PutAsync(collection, id, body!, context, cancellationToken);
        http.Response.Headers.ETag = ETag(result.Record.Version);
        var response = new
        {
            result.Record.Collection,
            result.Record.Id,
            result.Record.Version,
            Status = result.Status.ToString().ToLowerInvariant(),
            result.ChangedFields,
            result.Record.Data,
        };
        return result.Status == WriteStatus.Created
            ? Results.Created($"/api/records/{collection}/{id}", response)
            : Results.Ok(response);
    }

    private static IResult? InvalidKey(string collection, string id) =>
        !CollectionName().IsMatch(collection)
            ? JsonRequestBody.Problem(StatusCodes.Status400BadRequest, "Invalid collection name", "Use 1-64 lower-case letters, digits, '_' or '-'.")
            : !RecordId().IsMatch(id)
                ? JsonRequestBody.Problem(StatusCodes.Status400BadRequest, "Invalid record id", "Use 1-128 letters, digits, '.', '_' or '-'.")
                : null;

    private static string ETag(long version) => $"\"{version}\"";

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex CollectionName();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,128}$")]
    private static partial Regex RecordId();
}
