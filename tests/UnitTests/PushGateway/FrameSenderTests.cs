using System.Net.WebSockets;
using RealtimeSync.PushGateway.Access;
using RealtimeSync.PushGateway.Delivery;
using RealtimeSync.PushGateway.WebSockets;

namespace RealtimeSync.UnitTests.PushGateway;

/// <summary>The sender loop: sends the transport takes at once go out untimed; one the client never takes is cut at the stall limit.</summary>
public sealed class FrameSenderTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Every_queued_frame_goes_out_in_order_while_the_transport_takes_them()
    {
        var stream = new TransportStream(blocks: false);
        var connection = Connection("""{"offset":1}""", """{"offset":2}""", """{"offset":3}""");
        using var stop = new CancellationTokenSource();
        var sending = FrameSender.SendAsync(connection, Socket(stream), lines: false, TimeSpan.FromMilliseconds(50), CancellationToken.None, CancellationToken.None, stop.Token);

        await stream.Messages(3).WaitAsync(Bound);
        await stop.CancelAsync();
        await sending.WaitAsync(Bound);

        Assert.Equal(["""{"offset":1}""", """{"offset":2}""", """{"offset":3}"""], stream.Payloads());
    }

    [Fact]
    public async Task A_send_the_client_never_takes_is_cut_at_the_stall_limit()
    {
        var stream = new TransportStream(blocks: true);
        var connection = Connection("""{"offset":1}""");

        // Nothing else would end it: no shutdown, no client gone, no stop.
        await FrameSender.SendAsync(connection, Socket(stream), lines: false, TimeSpan.FromMilliseconds(100), CancellationToken.None, CancellationToken.None, CancellationToken.None)
            .WaitAsync(Bound);

        Assert.True(stream.WriteStarted);
    }

    private static ClientConnection Connection(params string[] frames)
    {
        var connection = new ClientConnection("c1", new Subscriber("ada", new HashSet<string>()), 10, new PlainFormat());
        Assert.All(frames, frame => Assert.True(connection.Enqueue(frame)));
        return connection;
    }

    private static WebSocket Socket(Stream stream) => WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = Timeout.InfiniteTimeSpan });

    /// <summary>A transport that records what is written (unmasked server frames of under 126 bytes), or never completes a write until it is closed.</summary>
    private sealed class TransportStream(bool blocks) : Stream
    {
        private readonly List<byte[]> _writes = [];
        private readonly CancellationTokenSource _closed = new();
        private TaskCompletionSource? _enough;
        private int _wanted;

        public bool WriteStarted { get; private set; }

        public override bool CanRead => true;

        public override bool CanWrite => true;

        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public Task Messages(int count)
        {
            lock (_writes)
            {
                (_wanted, _enough) = (count, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                Signal();
                return _enough.Task;
            }
        }

        public List<string> Payloads()
        {
            lock (_writes)
            {
                var bytes = _writes.SelectMany(write => write).ToArray();
                var payloads = new List<string>();
                for (var at = 0; at + 2 <= bytes.Length;)
                {
                    var length = bytes[at + 1] & 0x7F;
                    payloads.Add(System.Text.Encoding.UTF8.GetString(bytes, at + 2, length));
                    at += 2 + length;
                }

                return payloads;
            }
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            WriteStarted = true;
            if (blocks)
            {
                using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token);
                await Task.Delay(Timeout.Infinite, either.Token);
            }

            lock (_writes)
            {
                _writes.Add(buffer.ToArray());
                Signal();
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _closed.Cancel();
            base.Dispose(disposing);
        }

        private void Signal()
        {
            if (_enough is not null && Payloads().Count >= _wanted)
            {
                _enough.TrySetResult();
            }
        }
    }
}
