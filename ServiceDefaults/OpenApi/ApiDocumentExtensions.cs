using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using RealtimeSync.ServiceDefaults.OpenApi;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Each HTTP service's OpenAPI document (Microsoft.AspNetCore.OpenApi), the same way everywhere: served at
/// <c>/openapi/{name}.json</c> without a token (it describes, it holds no data), the gateway as its server
/// (frontends call through it, and the gateway serves the document at the same path), the bearer scheme, and
/// the problem responses that every endpoint shares (see <see cref="SharedResponses"/>). An endpoint declares
/// its own refusals with <see cref="Refuses{TBuilder}(TBuilder, int, string)"/>.
/// </summary>
public static class ApiDocumentExtensions
{
    /// <summary>Where a service serves its document; the gateway serves it at the same public path.</summary>
    public const string DocumentPath = "/openapi/{documentName}.json";

    public const string ProblemMediaType = "application/problem+json";

    /// <summary>The schema name of a free-form JSON object.</summary>
    public const string DocumentSchema = "Document";

    private const string AnyMediaType = "*/*";

    public static IHostApplicationBuilder AddApiDocument(this IHostApplicationBuilder builder, string name, string title, string description)
    {
        // Numbers are numbers in every body we write, and none is read through these options (bodies are read as JSON
        // nodes): without reading numbers from strings, the document types them as integers, not "integer or string".
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict);
        builder.Services.AddOpenApi(name, options =>
        {
            // Free-form JSON objects (a record's fields, a message's payload) are one schema with a name that says what they are.
            options.CreateSchemaReferenceId = type => type.Type == typeof(JsonObject) ? DocumentSchema : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo { Title = title, Version = "1", Description = description };
                // The gateway's address, whatever host served the document: frontends call through the gateway.
                document.Servers = [new OpenApiServer { Url = "/", Description = "The gateway" }];
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[SharedResponses.BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "A JWT whose 'sub' names the user and whose 'role' claims (viewer, editor, admin) say what they may do; "
                        + "in development `dotnet run --project tools/Cli -- token --user alice --role editor` mints one.",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer<SharedResponses>();
            options.AddSchemaTransformer<RequiredProperties>();
            options.AddDocumentTransformer<SharedResponses>();
            options.AddDocumentTransformer<StableOrder>();
        });
        return builder;
    }

    /// <summary>Maps <see cref="DocumentPath"/>: anonymous, in every environment.</summary>
    public static WebApplication MapApiDocument(this WebApplication app)
    {
        app.MapOpenApi(DocumentPath).AllowAnonymous();
        return app;
    }

    /// <summary>Declares a refusal this endpoint really answers, as RFC 9457 problem details, with when it happens.</summary>
    public static TBuilder Refuses<TBuilder>(this TBuilder builder, int status, string when) where TBuilder : IEndpointConventionBuilder =>
        builder.Refuses<TBuilder, ProblemDetails>(status, when);

    /// <summary>A refusal whose problem carries more members (<typeparamref name="TProblem"/>: validation errors, a conflict's current record).</summary>
    public static TBuilder Refuses<TBuilder, TProblem>(this TBuilder builder, int status, string when)
        where TBuilder : IEndpointConventionBuilder
        where TProblem : ProblemDetails =>
        builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(TProblem), [ProblemMediaType]) { Description = when });

    /// <summary>
    /// The refusals of a JSON-object body read by Contracts' JsonRequestBody: 400 unreadable (or <paramref name="badRequest"/>,
    /// when the endpoint has more reasons), 413 over <paramref name="sizeLimit"/>, 415 another media type, and 422
    /// <paramref name="unprocessable"/> (a <see cref="DocumentProblem"/>: the endpoint's validation, or a document too deep).
    /// </summary>
    public static TBuilder RefusesJsonBody<TBuilder>(this TBuilder builder, string mediaType, string sizeLimit, string unprocessable, string? badRequest = null)
        where TBuilder : IEndpointConventionBuilder =>
        builder
            .Refuses(StatusCodes.Status400BadRequest, badRequest ?? "The body is not a JSON object (malformed, duplicate names, unstorable text).")
            .Refuses(StatusCodes.Status413PayloadTooLarge, $"The body is over the size limit ({sizeLimit}).")
            .Refuses(StatusCodes.Status415UnsupportedMediaType, $"The body is not {mediaType}.")
            .Refuses<TBuilder, DocumentProblem>(StatusCodes.Status422UnprocessableEntity, unprocessable);

    /// <summary>A response body of <typeparamref name="TResponse"/>, with what it holds.</summary>
    public static TBuilder Answers<TBuilder, TResponse>(this TBuilder builder, int status, string what, string contentType = "application/json")
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(TResponse), [contentType]) { Description = what });

    /// <summary>
    /// A request body of <typeparamref name="TRequest"/> in <paramref name="contentType"/>, for endpoints that read their body
    /// themselves. Routing is told the endpoint takes any media type: the endpoint answers another one with its own 415,
    /// a problem that names what it takes, where routing's would be a bare "Unsupported Media Type".
    /// </summary>
    public static TBuilder Takes<TBuilder, TRequest>(this TBuilder builder, string contentType = "application/json")
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AcceptsMetadata([AnyMediaType], typeof(TRequest))).AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.RequestBody?.Content is { } content && content.TryGetValue(AnyMediaType, out var body))
            {
                content.Remove(AnyMediaType);
                content[contentType] = body;
            }

            return Task.CompletedTask;
        });
}
