using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RealtimeSync.Outbox;

namespace Microsoft.Extensions.Hosting;

public static class OutboxExtensions
{
    /// <summary>
    /// Registers the outbox table (in <paramref name="schema"/>), its dispatcher, its backlog gauges and the readiness
    /// check for set-aside rows. Needs a NpgsqlDataSource and a MassTransit bus; map the admin endpoints with
    /// <see cref="SetAsideEndpoints.MapOutboxEndpoints"/>.
    /// </summary>
    public static IHostApplicationBuilder AddTransactionalOutbox(this IHostApplicationBuilder builder, string schema)
    {
        var options = new OutboxOptions { Schema = schema };
        builder.Configuration.GetSection("Outbox").Bind(options);
        builder.Services.AddSingleton(options);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<OutboxTable>();
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton<SetAsideRows>();
        builder.Services.AddHostedService<OutboxDispatcher>();
        builder.Services.AddSingleton<OutboxBacklog>();
        builder.Services.AddHostedService(services => services.GetRequiredService<OutboxBacklog>());
        builder.Services.AddHealthChecks().AddCheck<SetAsideRowsCheck>("outbox-set-aside");
        return builder;
    }
}
