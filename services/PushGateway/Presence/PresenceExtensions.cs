using RealtimeSync.PushGateway.Presence;

namespace Microsoft.Extensions.Hosting;

public static class PresenceExtensions
{
    /// <summary>Presence (needs the Redis client and topic access); limits and leases from the <c>Presence</c> section.</summary>
    public static IHostApplicationBuilder AddPresence(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PresenceOptions>().Bind(builder.Configuration.GetSection("Presence"))
            .Validate(options => options.Lease >= 2 * options.RenewInterval && options.SweepInterval > TimeSpan.Zero,
                "Presence:Lease must span two Presence:RenewInterval, and Presence:SweepInterval must be positive")
            .Validate(options => options.MaxStateBytes > 0 && options.MaxTopicsPerConnection > 0, "Presence:MaxStateBytes and Presence:MaxTopicsPerConnection must be positive")
            .ValidateOnStart();
        builder.Services.AddSingleton<PresenceStore>();
        builder.Services.AddSingleton<LocalMembers>();
        builder.Services.AddSingleton<PresenceSnapshots>();
        builder.Services.AddHostedService<PresenceFanout>();
        builder.Services.AddHostedService<PresenceRenewer>();
        builder.Services.AddHostedService<PresenceSweeper>();
        return builder;
    }
}
