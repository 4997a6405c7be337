using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace RealtimeSync.Bench.SideBySide.Load;

/// <summary>
/// RealtimeSync's push protocol (docs/architecture.md): the server greets with <c>welcome</c> (which names the push-gateway
/// instance), the client subscribes to <c>records/tbench</c> and waits for <c>subscribed</c>; every frame with an
/// <c>offset</c> is a message, the record's written fields in <c>payload.fields</c> and merge-api's commit time in
/// <c>timestamp</c>. Heartbeats come from the server; the client owes none. The client offers the line-packed
/// subprotocol (decision 0021), as RealtimeSync's own client does: a message may then hold several frames, one per line;
/// a server without it sends one frame per message, which reads the same.
/// </summary>
internal sealed class RealtimeSyncDialect : Dialect
{
    public const string Topic = "records/tbench";
    private const string LinesSubProtocol = "realtimesync.lines";
    private static readonly byte[] Subscribe = Encoding.UTF8.GetBytes($$"""{"type":"subscribe","topics":["{{Topic}}"]}""");

    public override string Name => "realtimesync";

    public override void Configure(ClientWebSocketOptions options) => options.AddSubProtocol(LinesSubProtocol);

    public override async Task OpenAsync(Subscriber subscriber, CancellationToken cancellationToken)
    {
        await subscriber.SendAsync(Subscribe, cancellationToken);
        var subscribed = false;
        while (!subscribed)
        {
            var message = await subscriber.ReceiveOneAsync(cancellationToken);
            foreach (var line in Lines(message.Span))
            {
                var frame = Parse(line, control: true);
                subscriber.Instance = frame.Type == "welcome" ? frame.Instance ?? subscriber.Instance : subscriber.Instance;
                subscribed |= frame.Type == "subscribed";
                if (frame.Type == "error")
                {
                    throw new InvalidOperationException("RealtimeSync refused: " + Encoding.UTF8.GetString(line));
                }
            }
        }
    }

    public override ReadOnlyMemory<byte>? Read(Subscriber subscriber, ReadOnlySpan<byte> frame, long receivedAt)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var rest = frame;
        while (rest.Length > 0)
        {
            var end = rest.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            var parsed = Parse(line, control: false);
            if (parsed.Offset >= 0 && parsed.Sequence >= 0)
            {
                subscriber.Deliver(new Delivery(parsed.Sequence, parsed.SentAt, receivedAt, parsed.Topic, parsed.Offset, now - parsed.Timestamp), line.Length);
            }
        }

        return null;
    }

    /// <summary>The frames of a handshake message (few, so a list is fine there).</summary>
    private static List<byte[]> Lines(ReadOnlySpan<byte> message)
    {
        var lines = new List<byte[]>();
        foreach (var range in message.Split((byte)'\n'))
        {
            lines.Add(message[range].ToArray());
        }

        return lines;
    }

    /// <summary>
    /// The few fields the benchmark reads, in one pass: the frame's own (depth 1), <c>payload</c>'s <c>fields</c> (depth 3).
    /// Strings are read only for <paramref name="control"/> frames (while opening): a message costs the load generator no allocation but its topic's.
    /// </summary>
    private static RealtimeSyncFrame Parse(ReadOnlySpan<byte> json, bool control)
    {
        var frame = new RealtimeSyncFrame();
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            var depth = reader.CurrentDepth;
            if ((depth == 1 && reader.ValueTextEquals("payload"u8)) || (depth == 2 && reader.ValueTextEquals("fields"u8)))
            {
                continue; // step inside
            }

            var name = depth == 1 ? FrameName(ref reader) : depth == 3 ? FieldName(ref reader) : null;
            reader.Read();
            switch (name)
            {
                case "type" when control:
                    frame.Type = reader.GetString();
                    break;
                case "instance" when control:
                    frame.Instance = reader.GetString();
                    break;
                case "topic":
                    frame.Topic = reader.ValueTextEquals(Topic) ? Topic : reader.GetString();
                    break;
                case "offset":
                    frame.Offset = reader.GetInt64();
                    break;
                case "timestamp":
                    frame.Timestamp = reader.GetInt64();
                    break;
                case "n":
                    frame.Sequence = reader.GetInt64();
                    break;
                case "sent":
                    frame.SentAt = reader.GetInt64();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return frame;
    }

    private static string? FrameName(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("type"u8) ? "type"
        : reader.ValueTextEquals("instance"u8) ? "instance"
        : reader.ValueTextEquals("topic"u8) ? "topic"
        : reader.ValueTextEquals("offset"u8) ? "offset"
        : reader.ValueTextEquals("timestamp"u8) ? "timestamp"
        : null;

    private static string? FieldName(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("n"u8) ? "n" : reader.ValueTextEquals("sent"u8) ? "sent" : null;
}
