using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace RealtimeSync.ServiceDefaults.Telemetry;

/// <summary>
/// Traces, metrics and logs over OTLP. OpenTelemetry.Extensions.Hosting and the Instrumentation
/// packages are absent here (docs/decisions/0003), so the providers are built with the core SDK
/// from the ActivitySources and Meters that ASP.NET Core, HttpClient, MassTransit and Npgsql publish natively.
/// </summary>
internal static class OpenTelemetrySetup
{
    private static readonly string[] Sources =
        ["Microsoft.AspNetCore", "System.Net.Http", "MassTransit", "Npgsql", "Yarp.ReverseProxy", RealtimeSyncTelemetry.Name];

    private static readonly string[] Meters =
    [
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http", "System.Runtime",
        "MassTransit", "Npgsql", RealtimeSyncTelemetry.Name,
    ];

    public static void ConfigureOpenTelemetry(this IHostApplicationBuilder builder)
    {
        // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (service.instance.id) are read by the default detectors.
        var resource = ResourceBuilder.CreateDefault()
            .AddService(builder.Environment.ApplicationName, autoGenerateServiceInstanceId: false);
        var exportOtlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
            logging.SetResourceBuilder(resource);
            if (exportOtlp)
            {
                logging.AddOtlpExporter();
            }
        });

        builder.Services.AddSingleton(_ =>
        {
            var tracing = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource).AddSource(Sources);
            return (exportOtlp ? tracing.AddOtlpExporter() : tracing).Build();
        });
        builder.Services.AddSingleton(_ =>
        {
            var metrics = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter(Meters);
            return (exportOtlp ? metrics.AddOtlpExporter() : metrics).Build();
        });
        builder.Services.AddHostedService<TelemetryProviders>();
    }

    /// <summary>Builds the providers at start (so listening begins before the first request); the container disposes them at stop, flushing what is buffered.</summary>
    private sealed class TelemetryProviders(TracerProvider tracing, MeterProvider metrics) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            GC.KeepAlive(tracing);
            GC.KeepAlive(metrics);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
