using MassTransit;
using RealtimeSync.ServiceDefaults.Clients;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// MassTransit over RabbitMQ from Aspire's <c>ConnectionStrings__{name}</c> (<c>amqp://user:pass@host:port</c>).
/// MassTransit registers its own bus health check, so /health reports the broker.
/// </summary>
public static class RabbitMqBusExtensions
{
    public static IHostApplicationBuilder AddRabbitMqBus(
        this IHostApplicationBuilder builder,
        string connectionName,
        Action<IBusRegistrationConfigurator>? configure = null)
    {
        var uri = new Uri(ConnectionStrings.Required(builder.Configuration, connectionName));
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
