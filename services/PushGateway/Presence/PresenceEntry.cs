using System.Text.Json;

namespace RealtimeSync.PushGateway.Presence;

/// <summary>
/// One connection joined to one topic. In Redis its member is <c>{"connectionId","userId","state","since"}</c>, in that order:
/// <c>since</c> (Redis's clock when it joined, kept by updates) is last so a script can append it, and a leave event's
/// member is the stored member cut before <c>,"state":</c>, which no JSON string can contain unescaped.
/// </summary>
public sealed record PresenceEntry(string Topic, string ConnectionId, string UserId, string StateJson)
{
    /// <summary>Its entry in the lease set: the connection id (hex) and the topic (no spaces by the topic grammar).</summary>
    public string LeaseMember => $"{ConnectionId} {Topic}";

    /// <summary>The member's JSON up to the value of <c>since</c>, which the join script appends.</summary>
    public string MemberPrefix => $"{{\"connectionId\":{JsonSerializer.Serialize(ConnectionId)},\"userId\":{JsonSerializer.Serialize(UserId)},\"state\":{StateJson},\"since\":";

    /// <summary>The connection id and topic of a lease set entry, or null for one no instance wrote.</summary>
    public static (string ConnectionId, string Topic)? ParseLeaseMember(string member)
    {
        var space = member.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 && space < member.Length - 1 ? (member[..space], member[(space + 1)..]) : null;
    }
}
