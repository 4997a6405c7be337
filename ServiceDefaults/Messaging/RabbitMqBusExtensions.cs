using MassTransit;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// MassTransit over RabbitMQ from Aspire's <c>ConnectionStrings__{name}</c> (<c>amqp://user:pass@host:port</c>), in
/// the shape of an Aspire client integration (Aspire has none for MassTransit). MassTransit registers its own bus
/// health check, so /health reports the broker, and its ActivitySource and Meter are exported by the defaults.
/// </summary>
public static class RabbitMqBusExtensions
{
    public static IHostApplicationBuilder AddRabbitMqBus(
        this IHostApplicationBuilder builder,
        string connectionName,
        Action<IBusRegistrationConfigurator>? configure = null)
    {
        var uri = new Uri(builder.Configuration.GetConnectionString(connectionName) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"Connection string '{connectionName}' is missing: set ConnectionStrings__{connectionName} (the AppHost's WithReference does)."));
        var (user, password) = UserInfo(uri);
        builder.Services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            configure?.Invoke(bus);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(uri.Host, (ushort)(uri.IsDefaultPort ? 5672 : uri.Port), "/", host =>
                {
                    host.Username(user);
                    host.Password(password);
                    host.RequestedConnectionTimeout(TimeSpan.FromSeconds(10));
                });
                // MassTransit writes its JSON indented by default: a batch of 500 order lines was 43 % whitespace, and skipping
                // it the top frame of change-notifier's parsing.
                rabbit.ConfigureJsonSerializerOptions(options =>
                {
                    options.WriteIndented = false;
                    return options;
                });
                rabbit.ConfigureEndpoints(context);
            });
        });
        return builder;
    }

    private static (string User, string Password) UserInfo(Uri uri)
    {
        var parts = uri.UserInfo.Split(':', 2);
        return (Uri.UnescapeDataString(parts[0] is { Length: > 0 } u ? u : "guest"),
                Uri.UnescapeDataString(parts.Length > 1 ? parts[1] : "guest"));
    }
}
