using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RealtimeSync.Outbox;

namespace Microsoft.Extensions.Hosting;

public static class OutboxExtensions
{
    /// <summary>Registers the outbox table (in <paramref name="schema"/>) and its dispatcher. Needs a NpgsqlDataSource and a MassTransit bus.</summary>
    public static IHostApplicationBuilder AddTransactionalOutbox(this IHostApplicationBuilder builder, string schema)
    {
        var options = new OutboxOptions { Schema = schema };
        builder.Configuration.GetSection("Outbox").Bind(options);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<OutboxTable>();
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddHostedService<OutboxDispatcher>();
        builder.Services.AddHostedService<OutboxBacklog>();
        return builder;
    }
}
