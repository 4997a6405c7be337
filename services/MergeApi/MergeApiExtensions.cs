using RealtimeSync.MergeApi.Collections;
using RealtimeSync.MergeApi.Records;
using RealtimeSync.MergeApi.Storage;
using RealtimeSync.Outbox;

namespace Microsoft.Extensions.Hosting;

public static class MergeApiExtensions
{
    public const string Schema = "merge_api";

    public static IHostApplicationBuilder AddMergeApi(this IHostApplicationBuilder builder)
    {
        builder.AddDefaultAuthentication();
        builder.AddApiDocument("records", "Records API (merge-api)",
            "The backoffice's write API: read, list and write records of the declared collections (smart merge, preserved fields, "
            + "RFC 7396 PATCH, optimistic concurrency with If-Match/ETag, history, batches). Every committed write is pushed to subscribers "
            + "of `records/<collection>` and `records/<collection>/<id>` (see the sync API). Reads need a signed-in user, writes the editor or admin role.");
        builder.AddNpgsqlDataSource("mergedb", configureDataSourceBuilder: data => ServiceDataSource.Configure(data, builder.Configuration));
        builder.AddRabbitMqBus("rabbitmq");

        // The schema first: hosted services start in registration order, and the outbox dispatcher needs its table.
        builder.Services.AddHostedService<MergeApiSchema>();
        builder.AddTransactionalOutbox(Schema);

        builder.Services.Configure<MergeApiOptions>(builder.Configuration.GetSection("MergeApi"));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<CollectionCatalog>();
        builder.Services.AddSingleton<RecordHistory>();
        builder.Services.AddSingleton<RecordStore>();
        builder.Services.AddSingleton<RecordWriter>();
        return builder;
    }

    public static WebApplication MapMergeApi(this WebApplication app)
    {
        app.MapApiDocument();
        app.MapBatchEndpoint();
        app.MapRecordsEndpoints();
        // A collection name starts with a letter or digit, so "_outbox" is never one (as "_batch").
        app.MapOutboxEndpoints("/api/records/_outbox");
        return app;
    }
}
