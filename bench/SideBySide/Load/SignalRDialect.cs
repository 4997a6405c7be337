using System.Text;
using System.Text.Json;

namespace RealtimeSync.Bench.SideBySide.Load;

/// <summary>
/// SignalR's JSON hub protocol over a WebSocket opened without negotiation (as the .NET client's SkipNegotiation does):
/// a handshake, then records ended by 0x1E, several per frame at times; invocations of <c>m</c> carry the text.
/// </summary>
internal sealed class SignalRDialect : Dialect
{
    private const byte RecordSeparator = 0x1E;
    private static readonly byte[] Handshake = Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e");
    private static readonly byte[] Ping = Encoding.UTF8.GetBytes("{\"type\":6}\u001e");

    public override string Name => "signalr";

    /// <summary>The server drops a client it has not heard from in 30 s (ClientTimeoutInterval); the .NET client pings every 15 s.</summary>
    public override (ReadOnlyMemory<byte> Frame, TimeSpan Interval)? KeepAlive => (Ping, TimeSpan.FromSeconds(10));

    public override async Task OpenAsync(Subscriber subscriber, CancellationToken cancellationToken)
    {
        await subscriber.SendAsync(Handshake, cancellationToken);
        var answer = await subscriber.ReceiveOneAsync(cancellationToken);
        var end = answer.Span.IndexOf(RecordSeparator);
        using var response = JsonDocument.Parse(answer[..(end < 0 ? answer.Length : end)]);
        if (response.RootElement.TryGetProperty("error", out var error))
        {
            throw new InvalidOperationException($"SignalR handshake refused: {error}");
        }
    }

    public override ReadOnlyMemory<byte>? Read(Subscriber subscriber, ReadOnlySpan<byte> frame, long receivedAt)
    {
        while (frame.Length > 0)
        {
            var end = frame.IndexOf(RecordSeparator);
            var record = end < 0 ? frame : frame[..end];
            ReadRecord(subscriber, record, receivedAt);
            frame = end < 0 ? [] : frame[(end + 1)..];
        }

        return null;
    }

    private static void ReadRecord(Subscriber subscriber, ReadOnlySpan<byte> record, long receivedAt)
    {
        var reader = new Utf8JsonReader(record);
        var (type, isM, sequence, sentAt) = (0, false, -1L, 0L);
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1)
            {
                continue;
            }

            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                type = reader.GetInt32();
            }
            else if (reader.ValueTextEquals("target"u8))
            {
                reader.Read();
                isM = reader.ValueTextEquals("m"u8);
            }
            else if (reader.ValueTextEquals("arguments"u8))
            {
                reader.Read(); // [
                reader.Read(); // the text
                MessageText.TryParseString(ref reader, out sequence, out sentAt);
                reader.Skip();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (type == 1 && isM && sequence >= 0)
        {
            subscriber.Deliver(new Delivery(sequence, sentAt, receivedAt), record.Length + 1);
        }
        else if (type == 7)
        {
            subscriber.End("SignalR close: " + Encoding.UTF8.GetString(record));
        }
    }
}
