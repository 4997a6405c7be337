using Microsoft.AspNetCore.SignalR;

namespace RealtimeSync.Bench.Peers.SignalRHub;

/// <summary>Clients only listen: every message comes from <c>POST /publish</c> through the hub context.</summary>
public sealed class BroadcastHub : Hub;
