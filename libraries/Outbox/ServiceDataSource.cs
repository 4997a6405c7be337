using Microsoft.Extensions.Configuration;
using Npgsql;
using RealtimeSync.ServiceDefaults.Outages;

namespace RealtimeSync.Outbox;

/// <summary>How a service that keeps its data (and its outbox) in PostgreSQL talks to it.</summary>
public static class ServiceDataSource
{
    public static void Configure(NpgsqlDataSourceBuilder data, IConfiguration configuration)
    {
        // Database spans only within a trace (a request, a sync run, an outbox publish): the outbox's
        // once-a-second poll would otherwise be a trace of its own every second.
        data.ConfigureTracing(tracing => tracing
            .ConfigureCommandFilter(_ => System.Diagnostics.Activity.Current is not null)
            .ConfigureBatchFilter(_ => System.Diagnostics.Activity.Current is not null));

        // A frozen server accepts connections and answers nothing, and Npgsql does not give up on a cancelled
        // statement until its cancel request (one connect timeout, twice) and the statement's own timeout have
        // run out. Both are cut to fit the request's bound: 2 x (T/5) + T/2 = 0.9 T, so the request is a 503
        // within it instead of hanging for Npgsql's defaults (15 s to connect, 30 s a statement).
        var requestTimeout = (configuration.GetSection("Outages").Get<OutageOptions>() ?? new OutageOptions()).RequestTimeout.TotalSeconds;
        data.ConnectionStringBuilder.Timeout = Math.Max(1, (int)(requestTimeout / 5));
        data.ConnectionStringBuilder.CommandTimeout = Math.Max(1, (int)(requestTimeout / 2));
    }
}
