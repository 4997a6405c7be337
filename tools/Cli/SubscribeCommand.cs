using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using RealtimeSync.Contracts.Push;

namespace RealtimeSync.Cli;

/// <summary>Subscribes through the gateway's WebSocket and prints every frame until Ctrl+C (or --seconds).</summary>
internal static class SubscribeCommand
{
    public static async Task<int> RunAsync(Arguments arguments)
    {
        var topics = arguments.Positional;
        var token = arguments.Option("--token") ?? Environment.GetEnvironmentVariable("TOKEN");
        if (topics.Count == 0 || string.IsNullOrEmpty(token))
        {
            Console.Error.WriteLine("subscribe needs at least one topic and a token (--token, or TOKEN from the 'token' command)");
            return 2;
        }

        var gateway = new Uri(arguments.Option("--gateway") ?? Environment.GetEnvironmentVariable("GATEWAY_URL") ?? "http://127.0.0.1:8080");
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        if (arguments.Option("--seconds") is { } seconds)
        {
            stop.CancelAfter(TimeSpan.FromSeconds(double.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture)));
        }

        using var socket = new ClientWebSocket();
        var endpoint = new UriBuilder(gateway) { Scheme = gateway.Scheme == "https" ? "wss" : "ws", Path = "/ws", Query = "access_token=" + Uri.EscapeDataString(token) }.Uri;
        using (var connecting = CancellationTokenSource.CreateLinkedTokenSource(stop.Token))
        {
            connecting.CancelAfter(TimeSpan.FromSeconds(10));
            await socket.ConnectAsync(endpoint, connecting.Token);
        }

        var subscribe = new JsonObject { ["type"] = "subscribe", ["topics"] = new JsonArray(topics.Select(topic => (JsonNode?)topic).ToArray()) };
        await socket.SendAsync(Encoding.UTF8.GetBytes(subscribe.ToJsonString()), WebSocketMessageType.Text, true, stop.Token);
        Console.Error.WriteLine($"connected to {gateway}; subscribed to {string.Join(", ", topics)}; Ctrl+C to stop");

        var buffer = new byte[1024 * 1024];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var (length, closed, _) = await WebSocketFrames.ReceiveAsync(socket, buffer, stop.Token);
                if (closed)
                {
                    Console.Error.WriteLine($"closed by the server: {(int?)socket.CloseStatus} {socket.CloseStatusDescription}");
                    return 1;
                }

                Console.WriteLine(Encoding.UTF8.GetString(buffer, 0, length));
            }
        }
        catch (OperationCanceledException)
        {
        }

        return 0;
    }
}
