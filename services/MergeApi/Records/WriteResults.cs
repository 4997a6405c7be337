using Microsoft.AspNetCore.Mvc;

namespace RealtimeSync.MergeApi.Records;

/// <summary>Turns a write's outcome into an HTTP status and body: the record on success, RFC 9457 problem details otherwise.</summary>
public static class WriteResults
{
    public static (int Status, object Body) Describe(WriteOutcome outcome) => outcome.Status switch
    {
        WriteStatus.Created => (StatusCodes.Status201Created, View(outcome)),
        WriteStatus.Updated or WriteStatus.Unchanged or WriteStatus.Deleted => (StatusCodes.Status200OK, View(outcome)),
        WriteStatus.NotFound => Problem(StatusCodes.Status404NotFound, "Record not found", outcome.Detail),
        WriteStatus.UnknownCollection => Problem(StatusCodes.Status404NotFound, "Unknown collection", outcome.Detail),
        WriteStatus.AlreadyExists => Problem(StatusCodes.Status409Conflict, "Record already exists", outcome.Detail),
        WriteStatus.Invalid => (StatusCodes.Status422UnprocessableEntity, new HttpValidationProblemDetails(outcome.Errors!.ToDictionary())
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = "Invalid record",
            Detail = "One or more fields are wrong; 'errors' names each one.",
        }),
        WriteStatus.PreconditionFailed => (StatusCodes.Status412PreconditionFailed, new ProblemDetails
        {
            Status = StatusCodes.Status412PreconditionFailed,
            Title = "Edit conflict",
            Detail = outcome.Detail,
            Extensions =
            {
                ["currentVersion"] = outcome.Record?.Version,
                ["current"] = outcome.Record?.Data,
                ["changedFields"] = outcome.ChangedFields ?? [],
            },
        }),
        _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
    };

    public static IResult ToResult(WriteOutcome outcome, HttpContext http)
    {
        if (outcome.Record is { } record && outcome.Status is WriteStatus.Created or WriteStatus.Updated or WriteStatus.Unchanged or WriteStatus.Deleted)
        {
            http.Response.Headers.ETag = ETag(record.Version);
        }

        var (status, body) = Describe(outcome);
        return body switch
        {
            ProblemDetails problem => Results.Problem(problem),
            WrittenRecord written when status == StatusCodes.Status201Created => TypedResults.Created($"/api/records/{written.Collection}/{written.Id}", written),
            _ => Results.Ok(body),
        };
    }

    public static string ETag(long version) => $"\"{version}\"";

    private static WrittenRecord View(WriteOutcome outcome) => new(
        outcome.Record!.Collection,
        outcome.Record.Id,
        outcome.Record.Version,
        outcome.Status.ToString().ToLowerInvariant(),
        outcome.ChangedFields ?? [],
        outcome.IgnoredFields ?? [],
        outcome.Status == WriteStatus.Deleted ? null : outcome.Record.Data.DeepClone().AsObject());

    private static (int, object) Problem(int status, string title, string? detail) =>
        (status, new ProblemDetails { Status = status, Title = title, Detail = detail });
}
