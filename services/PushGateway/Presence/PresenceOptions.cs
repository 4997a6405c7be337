namespace RealtimeSync.PushGateway.Presence;

/// <summary>Presence (section <c>Presence</c>): who is on a topic, with a small state each; see docs/architecture.md, the push protocol.</summary>
public sealed class PresenceOptions
{
    /// <summary>
    /// How long a member outlives its instance's last renewal. With <see cref="SweepInterval"/> on top, what a dead instance's
    /// members cost their topic at most: 25 s + 5 s keeps the protocol's promise of a leave within 30 s.
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>How often each instance renews its own members' leases; a lease spans two renewals, so one lost renewal costs nothing.</summary>
    public TimeSpan RenewInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often each instance looks for lapsed leases (any instance may remove any member: one script decides who).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A member's state as compact JSON (UTF-8 bytes, as JSON.stringify writes it), at most.</summary>
    public int MaxStateBytes { get; set; } = 1024;

    /// <summary>Topics one connection may be joined to at once.</summary>
    public int MaxTopicsPerConnection { get; set; } = 20;
}
