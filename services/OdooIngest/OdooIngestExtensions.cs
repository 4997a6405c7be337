using Microsoft.Extensions.Options;
using RealtimeSync.OdooIngest.Odoo;
using RealtimeSync.OdooIngest.Records;
using RealtimeSync.OdooIngest.Storage;
using RealtimeSync.OdooIngest.Streams;
using RealtimeSync.OdooIngest.Sync;
using RealtimeSync.Outbox;

namespace Microsoft.Extensions.Hosting;

/// <summary>odoo-ingest: pulls Odoo models into PostgreSQL incrementally and publishes every stored change.</summary>
public static class OdooIngestExtensions
{
    public const string Schema = "odoo_ingest";

    public static IHostApplicationBuilder AddOdooIngest(this IHostApplicationBuilder builder)
    {
        builder.AddDefaultAuthentication();
        builder.AddApiDocument("ingest", "Ingest API (odoo-ingest)",
            "The incremental Odoo pull, for operators: each sync stream's state and run log, a way to run a stream now, Odoo's webhook "
            + "hint, and the outbox's set-aside changes. Every endpoint but the hint (whose URL carries a shared secret) needs the admin role.");
        builder.AddNpgsqlDataSource("ingestdb", configureDataSourceBuilder: data => ServiceDataSource.Configure(data, builder.Configuration));
        builder.AddRabbitMqBus("rabbitmq");

        // The schema first: hosted services start in registration order.
        builder.Services.AddHostedService<OdooIngestSchema>();
        builder.AddTransactionalOutbox(Schema);

        builder.Services.Configure<OdooOptions>(builder.Configuration.GetSection("Odoo"));
        builder.Services.AddOptions<IngestOptions>().Bind(builder.Configuration.GetSection("Ingest"))
            .Validate(options => options.RunHistory.Keep >= 1, "Ingest:RunHistory:Keep must be at least 1 (the run log keeps the newest runs of each stream).")
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<IngestOptions>, StreamTimingValidation>();
        builder.Services.Configure<HintOptions>(builder.Configuration.GetSection("Hints"));
        builder.Services.AddOdooHttpClient();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<OdooApiFactory>();
        builder.Services.AddSingleton<IngestedRecords>();
        builder.Services.AddSingleton<StreamState>();
        builder.Services.AddSingleton<RunLog>();
        builder.Services.AddSingleton<RecordFailures>();
        builder.Services.AddSingleton<IRunPlanner, RunPlanner>();
        builder.Services.AddSingleton<SyncRunner>();
        builder.Services.AddSingleton<StreamScheduler>();
        builder.Services.AddHostedService(services => services.GetRequiredService<StreamScheduler>());
        return builder;
    }

    public static WebApplication MapOdooIngest(this WebApplication app)
    {
        app.MapApiDocument();
        app.MapIngestEndpoints();
        app.MapIngestedRecordsEndpoint();
        app.MapHintEndpoint();
        app.MapOutboxEndpoints("/api/ingest/outbox");
        return app;
    }
}
