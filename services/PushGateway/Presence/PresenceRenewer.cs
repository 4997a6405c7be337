using Microsoft.Extensions.Options;

namespace RealtimeSync.PushGateway.Presence;

/// <summary>
/// Renews the leases of this instance's members every <see cref="PresenceOptions.RenewInterval"/>, so a member lives as long
/// as its connection and instance do; a member Redis lost meanwhile (it lapsed while Redis was away) is joined again.
/// </summary>
public sealed partial class PresenceRenewer(LocalMembers local, PresenceStore store, IOptions<PresenceOptions> options, ILogger<PresenceRenewer> logger)
    : BackgroundService
{
    private const int Batch = 100;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PresenceTicks.RunAsync(options.Value.RenewInterval, RenewAsync, ex => LogUnanswered(ex, local.Count), stoppingToken);

    private async Task RenewAsync()
    {
        foreach (var batch in local.All.Chunk(Batch))
        {
            var missing = (await store.RenewAsync(batch.Select(member => member.Entry).ToList())).ToHashSet();
            foreach (var (entry, owner) in batch.Where(member => missing.Contains(member.Entry)))
            {
                await owner.RejoinAsync(entry);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Presence leases of {Members} members not renewed (Redis); retried next time")]
    private partial void LogUnanswered(Exception exception, int members);
}
