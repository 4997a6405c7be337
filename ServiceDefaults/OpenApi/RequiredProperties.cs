using System.Reflection;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace RealtimeSync.ServiceDefaults.OpenApi;

/// <summary>
/// For our own types, a property is required exactly when it cannot be null: it is always in the JSON, so a generated
/// client types it as present. A nullable one is optional (in a request it may be left out; in a response it may be null).
/// The generator alone would require every constructor parameter, nullable or not.
/// </summary>
internal sealed class RequiredProperties : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo;
        if (context.JsonPropertyInfo is not null || schema.Properties is not { Count: > 0 } || type.Type.Namespace?.StartsWith("RealtimeSync", StringComparison.Ordinal) != true)
        {
            return Task.CompletedTask;
        }

        var nullability = new NullabilityInfoContext();
        schema.Required = type.Properties
            .Where(property => schema.Properties.ContainsKey(property.Name)
                && property.AttributeProvider is PropertyInfo info && nullability.Create(info).ReadState != NullabilityState.Nullable)
            .Select(property => property.Name)
            .ToHashSet(StringComparer.Ordinal);
        return Task.CompletedTask;
    }
}
