using Microsoft.Extensions.Options;

namespace RealtimeSync.PushGateway.Access;

/// <summary>Renews every lease of <see cref="ConnectionLeases"/> each <c>lease / 3</c>, so a live connection's lease never lapses.</summary>
public sealed partial class LeaseRenewal(ConnectionLeases leases, IOptions<PushGatewayOptions> options, ILogger<LeaseRenewal> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ConnectionLease / 3);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await leases.RenewAsync();
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogRoundFailed(ex); // the next round tries again: a failed one must not stop the instance
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Renewing this instance's connection leases failed; the next round tries again")]
    private partial void LogRoundFailed(Exception exception);
}
