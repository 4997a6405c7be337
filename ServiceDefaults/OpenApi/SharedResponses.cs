using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Hosting;
using Microsoft.OpenApi;
using RealtimeSync.ServiceDefaults.Auth;

namespace RealtimeSync.ServiceDefaults.OpenApi;

/// <summary>
/// What every endpoint answers because of the layers in front of it, read from its metadata rather than repeated on
/// each: the bearer requirement and 401 where it needs a token, 403 where its policy needs a role, 429 on the gateway's
/// rate-limited <c>/api/*</c>, and 503 with <c>Retry-After</c> where the request is bounded (a dependency away or
/// frozen, decision 0013). An endpoint's own declaration of a status wins.
/// </summary>
internal sealed class SharedResponses : IOpenApiOperationTransformer, IOpenApiDocumentTransformer
{
    public const string BearerScheme = "bearer";

    private const string RateLimitedPrefix = "api/";

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        operation.Responses ??= [];
        // Each declared answer's description, in the domain's words (the generator would only name the status).
        foreach (var declared in metadata.OfType<IProducesResponseTypeMetadata>().Where(declared => declared.Description is not null))
        {
            if (operation.Responses.TryGetValue(Key(declared.StatusCode), out var response) && response is OpenApiResponse described)
            {
                described.Description = declared.Description;
            }
        }

        var authorize = metadata.OfType<IAuthorizeData>().ToList();
        if (authorize.Count > 0 && !metadata.OfType<IAllowAnonymous>().Any())
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }];
            Add(operation, context, StatusCodes.Status401Unauthorized, "No token, or one that is invalid, expired or names no subject.");
            if (authorize.Select(data => data.Policy).FirstOrDefault(policy => policy is Policies.Writer or Policies.Admin) is { } policy)
            {
                Add(operation, context, StatusCodes.Status403Forbidden,
                    policy == Policies.Admin ? "The token lacks the admin role." : "The token lacks the editor or admin role.");
            }
        }

        if (context.Description.RelativePath?.StartsWith(RateLimitedPrefix, StringComparison.Ordinal) == true)
        {
            Add(operation, context, StatusCodes.Status429TooManyRequests,
                "Over the gateway's per-user limit (1000 requests per 15 minutes by default); Retry-After says when to try again.");
        }

        if (!metadata.OfType<DisableRequestTimeoutAttribute>().Any())
        {
            Add(operation, context, StatusCodes.Status503ServiceUnavailable,
                "A dependency (PostgreSQL, Redis) is away or frozen, or the request ran out of its time (10 s); nothing was half-applied. Retry-After says when to retry.");
        }

        foreach (var status in new[] { StatusCodes.Status429TooManyRequests, StatusCodes.Status503ServiceUnavailable })
        {
            if (operation.Responses.TryGetValue(Key(status), out var response) && response is OpenApiResponse withHeaders)
            {
                withHeaders.Headers ??= new Dictionary<string, IOpenApiHeader>();
                withHeaders.Headers.TryAdd("Retry-After", new OpenApiHeader
                {
                    Description = "Seconds to wait before retrying.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer },
                });
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// The problem schema the shared answers refer to is in the document even where no endpoint declared one of its own;
    /// the free-form object says what it may hold.
    /// </summary>
    public async Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        if (!document.Components.Schemas.ContainsKey(nameof(ProblemDetails)))
        {
            document.Components.Schemas[nameof(ProblemDetails)] = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, cancellationToken);
        }

        if (document.Components.Schemas.TryGetValue(ApiDocumentExtensions.DocumentSchema, out var free) && free is OpenApiSchema freeForm)
        {
            freeForm.Description = "A JSON object of any fields (a record's fields, a message's payload): at most 32 levels of nesting, "
                + "names and strings valid UTF-16 without NUL, numbers a double holds.";
        }
    }

    private static void Add(OpenApiOperation operation, OpenApiOperationTransformerContext context, int status, string description)
    {
        if (operation.Responses!.ContainsKey(Key(status)))
        {
            return;
        }

        operation.Responses[Key(status)] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [ApiDocumentExtensions.ProblemMediaType] = new() { Schema = new OpenApiSchemaReference(nameof(ProblemDetails), context.Document) },
            },
        };
    }

    private static string Key(int status) => status.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
