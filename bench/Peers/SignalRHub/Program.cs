using Microsoft.AspNetCore.SignalR;
using RealtimeSync.Bench.Peers.SignalRHub;
using StackExchange.Redis;

// SignalR with its Redis backplane, as its documentation sets it up, for bench/SideBySide: a message posted to any
// instance reaches every client of every instance.
//   dotnet SignalRHub.dll --urls http://127.0.0.1:5000 --Redis 127.0.0.1:6379
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSignalR().AddStackExchangeRedis(builder.Configuration["Redis"] ?? "127.0.0.1:6379", options =>
    options.Configuration.ChannelPrefix = RedisChannel.Literal("bench:signalr"));

var app = builder.Build();
app.MapHub<BroadcastHub>("/hub");
app.MapPost("/publish", async (HttpRequest request, IHubContext<BroadcastHub> hub) =>
{
    using var reader = new StreamReader(request.Body);
    await hub.Clients.All.SendAsync("m", await reader.ReadToEndAsync());
    return Results.NoContent();
});

// The change-rate round's publish: one message per line, each sent after the one before, so the backplane keeps their order.
app.MapPost("/publish-batch", async (HttpRequest request, IHubContext<BroadcastHub> hub) =>
{
    using var reader = new StreamReader(request.Body);
    while (await reader.ReadLineAsync() is { } line)
    {
        await hub.Clients.All.SendAsync("m", line);
    }

    return Results.NoContent();
});

app.Run();
