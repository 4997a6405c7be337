using System.Text;
using System.Text.Json;
using RealtimeSync.PushGateway.Delivery;
using RealtimeSync.PushGateway.WebSockets;

namespace RealtimeSync.UnitTests.PushGateway;

/// <summary>What one WebSocket message carries: every queued frame, one per line, for a client of the lines subprotocol; one otherwise.</summary>
public sealed class FrameBatchTests
{
    [Fact]
    public void A_client_of_the_lines_subprotocol_gets_every_queued_frame_in_one_message_one_per_line_in_order()
    {
        var queue = Queue("""{"offset":2}""", """{"offset":3,"text":"é\n"}""");

        using var batch = FrameBatch.Pack("""{"offset":1}""", queue, lines: true);

        Assert.Equal(3, batch.Count);
        var lines = Encoding.UTF8.GetString(batch.Bytes.Span).Split('\n');
        Assert.Equal([1, 2, 3], lines.Select(line => JsonDocument.Parse(line).RootElement.GetProperty("offset").GetInt32()));
        Assert.Equal("é\n", JsonDocument.Parse(lines[2]).RootElement.GetProperty("text").GetString()); // an escaped line break stays escaped
        Assert.False(queue.TryRead(out _));
        Assert.Equal(0, queue.Chars); // what was packed left the queue's character count too
    }

    [Fact]
    public void Other_clients_get_one_frame_per_message_and_the_rest_stays_queued()
    {
        var queue = Queue("""{"offset":2}""");

        using var batch = FrameBatch.Pack("""{"offset":1}""", queue, lines: false);

        Assert.Equal(1, batch.Count);
        Assert.Equal("""{"offset":1}""", Encoding.UTF8.GetString(batch.Bytes.Span));
        Assert.True(queue.TryRead(out var left) && left == """{"offset":2}""");
    }

    [Fact]
    public void A_message_is_bounded_in_frames_and_bytes_and_a_frame_bigger_than_the_bound_still_goes_whole()
    {
        var queue = Queue(Enumerable.Range(0, FrameBatch.MaxFrames * 2).Select(n => $$"""{"offset":{{n}}}""").ToArray());
        using (var counted = FrameBatch.Pack("""{"offset":-1}""", queue, lines: true))
        {
            Assert.Equal(FrameBatch.MaxFrames, counted.Count);
        }

        var big = $$"""{"text":"{{new string('x', FrameBatch.MaxBytes)}}"}""";
        var bigQueue = Queue(big);
        using (var sized = FrameBatch.Pack("""{"offset":0}""", bigQueue, lines: true))
        {
            Assert.Equal(1, sized.Count); // the big one waits for a message of its own
        }

        using var alone = FrameBatch.Pack(big, Queue(), lines: true);
        Assert.Equal(big, Encoding.UTF8.GetString(alone.Bytes.Span));
    }

    /// <summary>The queue a connection really has, so a batch packs from what production packs from.</summary>
    private static SendQueue Queue(params string[] frames)
    {
        var queue = new SendQueue(frameLimit: 1000, charLimit: long.MaxValue);
        foreach (var frame in frames)
        {
            Assert.True(queue.TryWrite(frame));
        }

        return queue;
    }
}
