using System.Diagnostics;
using System.Text.Json;

namespace RealtimeSync.Bench.SideBySide.Load;

/// <summary>
/// What every published message carries, in every system: its sequence number and its send time on this process's
/// <see cref="Stopwatch"/> (the publisher and the subscribers are the same process, so receipt minus send is exact).
/// It is also RealtimeSync's record body, whose fields come back in the message.
/// </summary>
internal static class MessageText
{
    public static string Format(long sequence, long sentAt) => $$"""{"n":{{sequence}},"sent":{{sentAt}}}""";

    public static bool TryParse(ReadOnlySpan<byte> json, out long sequence, out long sentAt)
    {
        (sequence, sentAt) = (-1, 0);
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
            {
                var isSequence = reader.ValueTextEquals("n"u8);
                var isSent = reader.ValueTextEquals("sent"u8);
                reader.Read();
                if (isSequence)
                {
                    sequence = reader.GetInt64();
                }
                else if (isSent)
                {
                    sentAt = reader.GetInt64();
                }
                else
                {
                    reader.Skip();
                }
            }
        }

        return sequence >= 0;
    }

    /// <summary>The same, from a JSON string token that holds the text (SignalR's and Socket.IO's arguments).</summary>
    public static bool TryParseString(ref Utf8JsonReader reader, out long sequence, out long sentAt)
    {
        Span<byte> text = stackalloc byte[128];
        if (reader.TokenType != JsonTokenType.String || (reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length) > text.Length)
        {
            (sequence, sentAt) = (-1, 0);
            return false;
        }

        return TryParse(text[..reader.CopyString(text)], out sequence, out sentAt);
    }
}
