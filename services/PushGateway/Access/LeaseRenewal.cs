using Microsoft.Extensions.Options;

namespace RealtimeSync.PushGateway.Access;

/// <summary>Renews every lease of <see cref="ConnectionLeases"/> each <c>lease / 3</c>, so a live connection's lease never lapses.</summary>
public sealed class LeaseRenewal(ConnectionLeases leases, IOptions<PushGatewayOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ConnectionLease / 3);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await leases.RenewAsync();
        }
    }
}
