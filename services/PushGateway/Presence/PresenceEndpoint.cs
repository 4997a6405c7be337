using System.Text.Json.Nodes;
using RealtimeSync.Contracts;
using RealtimeSync.Contracts.Http;
using RealtimeSync.PushGateway.Access;
using RealtimeSync.ServiceDefaults.Auth;

namespace RealtimeSync.PushGateway.Presence;

/// <summary><c>GET /api/sync/presence?topic=…</c>: a topic's members for clients that poll, <c>{"topic","members":[…]}</c>; read rights as subscribe.</summary>
public static class PresenceEndpoint
{
    public static IEndpointRouteBuilder MapPresenceEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/sync/presence", GetAsync).RequireAuthorization(Policies.Reader);
        return app;
    }

    private static async Task<IResult> GetAsync(HttpContext http, string? topic, PresenceStore store, TopicAccess access)
    {
        if (!PushTopics.IsTopic(topic))
        {
            return JsonRequestBody.Problem(StatusCodes.Status400BadRequest, "Invalid topic", "'topic' is required: one topic name, such as records/purchase.order/7.");
        }

        if (PresenceTopics.Refusal(access, Subscriber.From(http.User), topic!) is { } refusal)
        {
            return JsonRequestBody.Problem(StatusCodes.Status403Forbidden, "Topic not allowed", refusal);
        }

        var members = await store.MembersAsync(topic!); // Redis away or slow: a 503 with Retry-After, as every sync endpoint
        return Results.Ok(new JsonObject { ["topic"] = topic, ["members"] = new JsonArray(members.Select(member => JsonNode.Parse(member)).ToArray()) });
    }
}
