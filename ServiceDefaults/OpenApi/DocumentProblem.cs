using Microsoft.AspNetCore.Http;

namespace RealtimeSync.ServiceDefaults.OpenApi;

/// <summary>
/// The 422 of a body that is refused: <c>errors</c> names each wrong field with its reasons, or, for a document nested
/// deeper than Contracts' DocumentShape allows (title "Document too deep"), <c>maxDepth</c> gives the limit.
/// Its shape as API documents describe it; Contracts' JsonRequestBody and each endpoint's validation write it.
/// </summary>
public sealed class DocumentProblem : HttpValidationProblemDetails
{
    /// <summary>The deepest nesting a document may have (only on "Document too deep").</summary>
    public int? MaxDepth { get; init; }
}
