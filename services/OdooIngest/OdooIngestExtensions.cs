using RealtimeSync.OdooIngest.Storage;
using RealtimeSync.OdooIngest.Streams;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// odoo-ingest: pulls Odoo models into PostgreSQL and publishes their changes. This first cut owns its
/// schema, its outbox and the stream-state API; the sync runners arrive with issue 5.
/// </summary>
public static class OdooIngestExtensions
{
    public const string Schema = "odoo_ingest";

    public static IHostApplicationBuilder AddOdooIngest(this IHostApplicationBuilder builder)
    {
        builder.AddDefaultAuthentication();
        builder.AddNpgsqlDataSource("ingestdb");
        builder.AddRabbitMqBus("rabbitmq");
        builder.Services.AddHostedService<OdooIngestSchema>();
        builder.AddTransactionalOutbox(Schema);
        builder.Services.AddSingleton<SyncStreamStates>();
        return builder;
    }

    public static WebApplication MapOdooIngest(this WebApplication app)
    {
        app.MapSyncStreamEndpoints();
        return app;
    }
}
