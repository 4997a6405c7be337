using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace RealtimeSync.ServiceDefaults.OpenApi;

/// <summary>
/// Puts each operation's responses in status order and the component schemas in name order, so the document is the
/// same text on every run and its committed copy (clients/openapi/) changes only when the API does.
/// </summary>
internal sealed class StableOrder : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var operation in (document.Paths ?? []).Values.SelectMany(path => path.Operations ?? []).Select(pair => pair.Value))
        {
            if (operation.Responses is { Count: > 1 } responses)
            {
                var sorted = responses.OrderBy(pair => pair.Key, StringComparer.Ordinal).ToList();
                responses.Clear();
                foreach (var (status, response) in sorted)
                {
                    responses.Add(status, response);
                }
            }
        }

        if (document.Components?.Schemas is { Count: > 1 } schemas)
        {
            document.Components.Schemas = new SortedDictionary<string, IOpenApiSchema>(schemas, StringComparer.Ordinal);
        }

        return Task.CompletedTask;
    }
}
