using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using RealtimeSync.PushGateway.Access;
using RealtimeSync.PushGateway.Delivery;

namespace RealtimeSync.PushGateway.Presence;

/// <summary>This instance's members, each with the connection that joined it: what <see cref="PresenceRenewer"/> keeps alive.</summary>
public sealed class LocalMembers(PresenceStore store, TopicAccess access, IOptions<PresenceOptions> options, ILogger<ConnectionPresence> logger)
{
    private readonly ConcurrentDictionary<string, (PresenceEntry Entry, ConnectionPresence Owner)> _members = new(StringComparer.Ordinal);

    public int Count => _members.Count;

    public IReadOnlyList<(PresenceEntry Entry, ConnectionPresence Owner)> All => _members.Values.ToArray();

    /// <summary>The presence of a new WebSocket connection: nothing joined yet.</summary>
    public ConnectionPresence For(ClientConnection connection) => new(connection, store, this, access, options.Value, logger);

    public void Set(PresenceEntry entry, ConnectionPresence owner) => _members[entry.LeaseMember] = (entry, owner);

    public void Remove(PresenceEntry entry) => _members.TryRemove(entry.LeaseMember, out _);
}
