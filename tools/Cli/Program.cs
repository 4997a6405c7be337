using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

// A terminal client of the gateway, for trying the system by hand:
//   dotnet run --project tools/Cli -- subscribe records/settings [more topics] [--gateway http://127.0.0.1:8080] [--seconds N]
// Prints every frame the push protocol sends, one JSON object a line, until Ctrl+C (or N seconds).
if (args.Length < 2 || args[0] != "subscribe")
{
    Console.Error.WriteLine("usage: subscribe <topic>... [--gateway http://127.0.0.1:8080] [--seconds N]");
    return 2;
}

var topics = args.Skip(1).TakeWhile(arg => !arg.StartsWith("--", StringComparison.Ordinal)).ToArray();
var gateway = new Uri(Option("--gateway") ?? Environment.GetEnvironmentVariable("GATEWAY_URL") ?? "http://127.0.0.1:8080");
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
if (Option("--seconds") is { } seconds)
{
    stop.CancelAfter(TimeSpan.FromSeconds(double.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture)));
}

using var socket = new ClientWebSocket();
var endpoint = new UriBuilder(gateway) { Scheme = gateway.Scheme == "https" ? "wss" : "ws", Path = "/ws" }.Uri;
using (var connecting = CancellationTokenSource.CreateLinkedTokenSource(stop.Token))
{
    connecting.CancelAfter(TimeSpan.FromSeconds(10));
    await socket.ConnectAsync(endpoint, connecting.Token);
}

var subscribe = new JsonObject { ["type"] = "subscribe", ["topics"] = new JsonArray(topics.Select(topic => (JsonNode?)topic).ToArray()) };
await socket.SendAsync(Encoding.UTF8.GetBytes(subscribe.ToJsonString()), WebSocketMessageType.Text, true, stop.Token);
Console.Error.WriteLine($"connected to {endpoint}; subscribed to {string.Join(", ", topics)}; Ctrl+C to stop");

var buffer = new byte[1024 * 1024];
try
{
    while (socket.State == WebSocketState.Open)
    {
        var length = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer.AsMemory(length), stop.Token);
            length += result.Count;
        }
        while (!result.EndOfMessage);

        if (result.MessageType == WebSocketMessageType.Close)
        {
            Console.Error.WriteLine($"closed by the server: {socket.CloseStatus} {socket.CloseStatusDescription}");
            return 1;
        }

        Console.WriteLine(Encoding.UTF8.GetString(buffer, 0, length));
    }
}
catch (OperationCanceledException)
{
}

return 0;

string? Option(string name) =>
    args.SkipWhile(arg => arg != name).Skip(1).FirstOrDefault();
