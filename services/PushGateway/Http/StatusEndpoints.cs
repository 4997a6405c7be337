using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using RealtimeSync.PushGateway.Access;
using RealtimeSync.PushLog;
using RealtimeSync.ServiceDefaults.Auth;

namespace RealtimeSync.PushGateway.Http;

/// <summary>
/// <c>GET /api/sync/status</c> (seed 004's shape, per instance and total) and <c>GET /api/sync/changes</c>
/// (seed 000's cheap change marker: each topic's last offset and change time, with ETag / 304).
/// </summary>
public static class StatusEndpoints
{
    public static IEndpointRouteBuilder MapStatusEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/sync/status", StatusAsync).RequireAuthorization(Policies.Reader);
        app.MapGet("/api/sync/changes", ChangesAsync).RequireAuthorization(Policies.Reader);
        return app;
    }

    /// <summary>Seed 004's totals for everyone signed in; each instance's detail (ids, addresses, counts) for admins only.</summary>
    private static async Task<IResult> StatusAsync(HttpContext http, InstanceStats stats, UserQueues userQueues)
    {
        var instances = await stats.AllAsync();
        var (queues, messages) = await userQueues.CountAsync();
        return Results.Ok(new
        {
            success = true,
            status = new
            {
                websocket = new
                {
                    enabled = true,
                    connections = instances.Sum(instance => instance.WebSockets),
                    totalConnections = instances.Sum(instance => instance.TotalConnections),
                    subscriptions = instances.Sum(instance => instance.Subscriptions),
                },
                sse = new { enabled = true, endpoint = "/api/sync/stream", connections = instances.Sum(instance => instance.Sse) },
                polling = new { enabled = true, endpoint = "/api/sync/poll", queues, messages },
                instances = http.User.IsInRole(Roles.Admin) ? instances : null,
                lastCheck = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            },
        });
    }

    private static async Task<IResult> ChangesAsync(HttpContext http, string? topics, TopicLog log, TopicAccess access, IOptions<PushGatewayOptions> options)
    {
        var (list, problem) = TopicList.Read(topics, Subscriber.From(http.User), access, options.Value.MaxSubscriptions);
        if (problem is not null)
        {
            return problem;
        }

        var heads = await log.HeadsAsync(list);
        var tag = $"W/\"{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('|', heads.Select(head => $"{head.Topic}:{head.Epoch}:{head.Offset}")))))[..16]}\"";
        http.Response.Headers.ETag = tag;
        http.Response.Headers.CacheControl = "no-cache";
        if (http.Request.Headers.IfNoneMatch.Contains(tag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Ok(new
        {
            topics = heads.Select(head => new { topic = head.Topic, epoch = head.Epoch, offset = head.Offset, changedAt = head.ChangedAt }),
            timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        });
    }
}
