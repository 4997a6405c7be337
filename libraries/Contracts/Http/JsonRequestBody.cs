using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace RealtimeSync.Contracts.Http;

/// <summary>
/// Reads a JSON-object request body and turns every way it can be wrong into an RFC 9457 problem:
/// 415 for another media type, 413 over the size limit, 400 for malformed JSON or a non-object.
/// </summary>
public static class JsonRequestBody
{
    public const int DefaultMaxBytes = 1024 * 1024;

    public static async Task<(JsonObject? Body, IResult? Problem)> ReadObjectAsync(
        HttpRequest request, int maxBytes = DefaultMaxBytes, params string[] mediaTypes)
    {
        var accepted = mediaTypes.Length > 0 ? mediaTypes : ["application/json"];
        var mediaType = request.ContentType?.Split(';')[0].Trim();
        if (mediaType is null || !accepted.Contains(mediaType, StringComparer.OrdinalIgnoreCase))
        {
            return (null, Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                $"Send the body as {string.Join(" or ", accepted)}; got '{mediaType ?? "none"}'."));
        }

        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return (null, TooLarge(maxBytes));
            }

            buffer.Write(chunk, 0, read);
        }

        try
        {
            var node = JsonNode.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
            if (node is not JsonObject body)
            {
                return (null, Problem(StatusCodes.Status400BadRequest, "Body must be a JSON object", "The request body is valid JSON but not an object."));
            }

            return UnstorableText(body) is { } reason ? (null, Problem(StatusCodes.Status400BadRequest, "Malformed JSON", reason)) : (body, null);
        }
        catch (JsonException ex)
        {
            return (null, Problem(StatusCodes.Status400BadRequest, "Malformed JSON", ex.Message));
        }
    }

    /// <summary>
    /// Text that parses but cannot be kept: a lone surrogate escape (not valid UTF-16, so not serializable again)
    /// or a NUL character (PostgreSQL text and jsonb refuse it). Refused up front so nothing is half-written.
    /// </summary>
    private static string? UnstorableText(JsonNode? node)
    {
        try
        {
            return node switch
            {
                JsonObject obj => obj.Select(pair => pair.Key.Contains('\0') ? $"the property name '{pair.Key.Replace("\0", "\\u0000")}' contains a NUL character" : UnstorableText(pair.Value))
                    .FirstOrDefault(reason => reason is not null),
                JsonArray array => array.Select(UnstorableText).FirstOrDefault(reason => reason is not null),
                JsonValue value when value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().Contains('\0') => "a string contains a NUL character (\\u0000)",
                _ => null,
            };
        }
        catch (InvalidOperationException)
        {
            return "a string is not valid UTF-16 text (a lone surrogate escape such as \\ud800)";
        }
    }

    public static IResult Problem(int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        Results.Problem(statusCode: status, title: title, detail: detail, extensions: extensions);

    private static IResult TooLarge(int maxBytes) =>
        Problem(StatusCodes.Status413PayloadTooLarge, "Body too large", $"The request body exceeds {maxBytes} bytes.");
}
