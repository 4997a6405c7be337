using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using RealtimeSync.ServiceDefaults;
using RealtimeSync.ServiceDefaults.Telemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every RealtimeSync service shares, shaped as Aspire's ServiceDefaults template: telemetry, health,
/// service discovery, problem details and graceful shutdown. It reads only Aspire's environment contract,
/// so a service runs the same under an Aspire AppHost or Kubernetes.
/// </summary>
public static class ServiceDefaultsExtensions
{
    public const string LivenessTag = "live";
    public const string HealthPath = "/health";
    public const string AlivePath = "/alive";

    /// <summary>Meters of the libraries we use that no instrumentation package registers.</summary>
    private static readonly string[] LibraryMeters = ["MassTransit", "Yarp.ReverseProxy"];

    /// <summary>
    /// Their sources: MassTransit's publish and consume spans carry a change across RabbitMQ. YARP's own
    /// spans are left out: ASP.NET Core's and HttpClient's already show each proxied request, and its
    /// active health checks would be a trace every two seconds.
    /// </summary>
    private static readonly string[] LibrarySources = ["MassTransit"];

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();

        // services__{name}__{endpoint}__{i}, for HttpClients (http://name) and the gateway's YARP destinations.
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http => http.AddServiceDiscovery());

        builder.Services.AddProblemDetails();
        builder.AddOutageResponses();

        // Kubernetes sends SIGTERM and waits terminationGracePeriodSeconds (30 s by default):
        // finish in-flight work well inside it.
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(15));
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (service.instance.id) come from the default detectors;
                // without them (a bare `dotnet run`) the service is named after its assembly.
                if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_SERVICE_NAME"]))
                {
                    resource.AddService(builder.Environment.ApplicationName, autoGenerateServiceInstanceId: false);
                }
            })
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(LibraryMeters)
                .AddMeter(RealtimeSyncTelemetry.All))
            .WithTracing(tracing => tracing
                .AddSource(LibrarySources)
                .AddSource(RealtimeSyncTelemetry.All)
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = http => !IsHealthProbe(http.Request.Path))
                // The gateway's active health checks probe every instance every 2 s: not traffic worth a trace.
                .AddHttpClientInstrumentation(client => client.FilterHttpRequestMessage = request => !IsHealthProbe(request.RequestUri?.AbsolutePath)));

        builder.AddOpenTelemetryExporters();
        return builder;
    }

    private static TBuilder AddOpenTelemetryExporters<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>The liveness check; each client integration (PostgreSQL, Redis, the bus) adds its dependency's readiness check.</summary>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LivenessTag]);
        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (readiness: every registered check, dependencies included) and
    /// <c>/alive</c> (liveness: the process answers). Mapped in every environment because
    /// Kubernetes probes use them; they reveal a status word and, for a check that is not healthy, its name and description.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        // A request the framework cannot bind (since=abc, a repeated parameter, a malformed body) is the client's error:
        // its 400, as problem details, not a 500.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = exception => exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages(); // 401, 403, 404, 405 with no body become problem details too

        // Explicitly here, after status code pages, so refusals are problem details; only if the service authenticates.
        if (app.Services.GetService<Microsoft.AspNetCore.Authentication.IAuthenticationSchemeProvider>() is not null)
        {
            app.UseAuthentication();
            app.UseAuthorization();
        }

        app.UseRequestTimeouts(); // after routing (WebApplication routes first), so streaming endpoints can opt out

        app.MapHealthChecks(HealthPath, new HealthCheckOptions { ResponseWriter = ReadinessReport.WriteAsync }).AllowAnonymous();
        app.MapHealthChecks(AlivePath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(LivenessTag) }).AllowAnonymous();
        return app;
    }

    private static bool IsHealthProbe(PathString path) => path.StartsWithSegments(HealthPath) || path.StartsWithSegments(AlivePath);
}
