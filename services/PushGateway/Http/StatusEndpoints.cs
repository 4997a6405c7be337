using System.ComponentModel;
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
        app.MapGet("/api/sync/status", StatusAsync).RequireAuthorization(Policies.Reader).WithTags("Sync")
            .WithSummary("Delivery status over every instance")
            .WithDescription("Connections, subscriptions, event streams and polling queues, in total over every live push-gateway instance; "
                + "each instance's own counts for admins only.")
            .Answers<RouteHandlerBuilder, StatusAnswer>(StatusCodes.Status200OK, "The totals (and, for admins, each instance).");
        app.MapGet("/api/sync/changes", ChangesAsync).RequireAuthorization(Policies.Reader).WithTags("Sync")
            .WithSummary("Have these topics changed? (a cheap change marker)")
            .WithDescription("Each topic's epoch, last offset and last change time, with a weak `ETag` over them: send it as `If-None-Match` "
                + "to get 304 while nothing changed.")
            .Answers<RouteHandlerBuilder, ChangesAnswer>(StatusCodes.Status200OK, "Each topic's position, with `ETag`.")
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status304NotModified) { Description = "Nothing changed since the `ETag` sent as `If-None-Match`." })
            .Refuses(StatusCodes.Status400BadRequest, "An invalid topic name, or more topics than PushGateway:MaxSubscriptions.")
            .Refuses(StatusCodes.Status403Forbidden, "A topic the user may not read.");
        return app;
    }

    /// <summary>Seed 004's totals for everyone signed in; each instance's detail (ids, addresses, counts) for admins only.</summary>
    private static async Task<IResult> StatusAsync(HttpContext http, InstanceStats stats, UserQueues userQueues)
    {
        var instances = await stats.AllAsync();
        var (queues, messages) = await userQueues.CountAsync();
        return TypedResults.Ok(new StatusAnswer(true, new SyncStatus(
            new WebSocketStatus(
                true,
                instances.Sum(instance => instance.WebSockets),
                instances.Sum(instance => instance.TotalConnections),
                instances.Sum(instance => instance.Subscriptions)),
            new SseStatus(true, "/api/sync/stream", instances.Sum(instance => instance.Sse)),
            new PollingStatus(true, "/api/sync/poll", queues, messages),
            http.User.IsInRole(Roles.Admin) ? instances : null,
            DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())));
    }

    private static async Task<IResult> ChangesAsync(HttpContext http, [Description("Comma-separated topics to check.")] string? topics, TopicLog log, TopicAccess access, IOptions<PushGatewayOptions> options)
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

        return TypedResults.Ok(new ChangesAnswer(heads, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
    }
}
