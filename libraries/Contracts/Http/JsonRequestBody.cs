using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using RealtimeSync.Contracts.Documents;

namespace RealtimeSync.Contracts.Http;

/// <summary>
/// Reads a JSON-object request body and turns every way it can be wrong into an RFC 9457 problem:
/// 415 for another media type, 413 over the size limit, 400 for malformed JSON, unstorable text or a
/// non-object, 422 for a document nested deeper than <see cref="DocumentShape"/> allows (a body that wraps
/// documents, such as a batch, passes the depth of its envelope).
/// </summary>
public static class JsonRequestBody
{
    public const int DefaultMaxBytes = 1024 * 1024;

    public static async Task<(JsonObject? Body, IResult? Problem)> ReadObjectAsync(
        HttpRequest request, int maxBytes = DefaultMaxBytes, int envelopeDepth = 0, params string[] mediaTypes)
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

            if (DocumentShape.UnstorableText(body) is { } reason)
            {
                return (null, Problem(StatusCodes.Status400BadRequest, "Malformed JSON", reason));
            }

            return DocumentShape.ShapeProblem(body, envelopeDepth) is { } shape
                ? (null, Problem(StatusCodes.Status422UnprocessableEntity, "Document too deep", shape, new Dictionary<string, object?> { ["maxDepth"] = DocumentShape.MaxDepth }))
                : (body, null);
        }
        catch (JsonException ex)
        {
            return (null, Problem(StatusCodes.Status400BadRequest, "Malformed JSON", ex.Message));
        }
        catch (InvalidOperationException)
        {
            // The duplicate-name check decodes each name; one holding a lone surrogate escape cannot be.
            return (null, Problem(StatusCodes.Status400BadRequest, "Malformed JSON", DocumentShape.LoneSurrogateInName));
        }
    }

    public static IResult Problem(int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        Results.Problem(statusCode: status, title: title, detail: detail, extensions: extensions);

    private static IResult TooLarge(int maxBytes) =>
        Problem(StatusCodes.Status413PayloadTooLarge, "Body too large", $"The request body exceeds {maxBytes} bytes.");
}
