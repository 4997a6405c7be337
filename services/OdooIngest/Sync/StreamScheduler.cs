using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using RealtimeSync.OdooIngest.Odoo;
using RealtimeSync.ServiceDefaults;

namespace RealtimeSync.OdooIngest.Sync;

/// <summary>
/// Runs every configured stream on its interval (or at once when asked), each run bounded by a timeout.
/// Transient Odoo failures back off exponentially with jitter; rejected credentials stop the stream with a
/// clear error and are retried only every few minutes (or on demand), instead of hammering Odoo.
/// </summary>
public sealed partial class StreamScheduler(
    IOptions<IngestOptions> ingest, IOptions<OdooOptions> odoo, OdooApiFactory odooApis, SyncRunner runner, ILogger<StreamScheduler> logger) : BackgroundService
{
    private static readonly TimeSpan CredentialsPause = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _triggers = new();

    public IReadOnlyDictionary<string, SyncStreamOptions> Streams => ingest.Value.Streams;

    public string Database => odoo.Value.Database;

    public bool OdooConfigured => odoo.Value.IsConfigured;

    /// <summary>Asks for a run of <paramref name="stream"/> now; false if there is no such stream.</summary>
    public bool Trigger(string stream)
    {
        if (!Streams.ContainsKey(stream))
        {
            return false;
        }

        try
        {
            Trigger0(stream).Release();
        }
        catch (SemaphoreFullException)
        {
            // A run is already asked for.
        }

        return true;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!OdooConfigured)
        {
            LogNotConfigured();
            return Task.CompletedTask;
        }

        return Task.WhenAll(Streams.Select(stream => RunStreamAsync(stream.Key, stream.Value, stoppingToken)));
    }

    private async Task RunStreamAsync(string name, SyncStreamOptions options, CancellationToken stoppingToken)
    {
        var failures = 0;
        IOdooApi? api = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            var pause = options.Interval;
            using (var run = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
            {
                run.CancelAfter(options.RunTimeout);
                try
                {
                    api ??= await odooApis.CreateAsync(run.Token);
                    var result = await runner.RunAsync(name, options, api, Database, run.Token);
                    (failures, pause) = result switch
                    {
                        { Error: OdooErrorKind.Credentials } => (failures + 1, CredentialsPause),
                        { Error: OdooErrorKind.Transient or OdooErrorKind.Fault } => (failures + 1, Backoff.Exponential(failures + 1, TimeSpan.FromMinutes(5), options.Interval)),
                        { Status: RunStatus.Blocked } => (failures + 1, CredentialsPause),
                        _ => (0, options.Interval),
                    };
                    if (result.Error is not null)
                    {
                        api = null; // reconnect (and re-authenticate) next time
                    }
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    // Whatever went wrong, this stream backs off and tries again; it never stops silently.
                    failures++;
                    api = null;
                    pause = Backoff.Exponential(failures, TimeSpan.FromMinutes(1), options.Interval);
                    LogRunFailed(ex, name, pause);
                }
            }

            try
            {
                await Trigger0(name).WaitAsync(pause, stoppingToken); // the interval, or a run asked for now
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private SemaphoreSlim Trigger0(string stream) => _triggers.GetOrAdd(stream, _ => new SemaphoreSlim(0, 1));

    [LoggerMessage(Level = LogLevel.Warning, Message = "No Odoo configured (Odoo__Url): streams stay idle")]
    private partial void LogNotConfigured();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run of stream {Stream} failed; next try in {Pause}")]
    private partial void LogRunFailed(Exception exception, string stream, TimeSpan pause);
}
