using System.Collections.Concurrent;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace RealtimeSync.Hosting.LocalServers;

/// <summary>
/// Watches every resource marked <see cref="RestartOnCrashAnnotation"/> (each replica on its own) and
/// starts a crashed one again after its <see cref="RestartBackoff"/>.
/// </summary>
internal sealed class CrashRestarts(
    ResourceNotificationService notifications,
    ResourceCommandService commands,
    IHostApplicationLifetime lifetime,
    ILogger<CrashRestarts> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, RestartBackoff> _backoffs = new();
    private readonly ConcurrentDictionary<string, string?> _lastState = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(stoppingToken))
            {
                if (!update.Resource.HasAnnotationOfType<RestartOnCrashAnnotation>())
                {
                    continue;
                }

                var state = update.Snapshot.State?.Text;
                var previous = _lastState.GetValueOrDefault(update.ResourceId);
                _lastState[update.ResourceId] = state;
                var crashed = state is "Exited" or "Finished" && previous is not ("Exited" or "Finished")
                    && update.Snapshot.ExitCode is not (null or 0) && !lifetime.ApplicationStopping.IsCancellationRequested;
                if (crashed)
                {
                    _ = RestartAsync(update.ResourceId, update.Snapshot.ExitCode!.Value, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RestartAsync(string resourceId, int exitCode, CancellationToken stoppingToken)
    {
        var backoff = _backoffs.GetOrAdd(resourceId, _ => new RestartBackoff());
        TimeSpan delay;
        lock (backoff)
        {
            delay = backoff.Next(DateTime.UtcNow);
        }

        logger.LogWarning("{Resource} exited unexpectedly (exit code {ExitCode}); starting it again in {Delay}", resourceId, exitCode, delay);
        try
        {
            await Task.Delay(delay, stoppingToken);
            var result = await commands.ExecuteCommandAsync(resourceId, KnownResourceCommands.StartCommand, stoppingToken);
            if (!result.Success)
            {
                logger.LogError("{Resource} could not be started again: {Error}", resourceId, result.Message);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
