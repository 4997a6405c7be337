using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using RealtimeSync.PushGateway.Delivery;

namespace RealtimeSync.UnitTests.PushGateway;

public sealed class PublishedMessageReaderTests
{
    private readonly Channel<string> _channel = Channel.CreateUnbounded<string>();
    private readonly List<string> _received = [];
    private int _catchUps;

    [Fact]
    public async Task Messages_within_the_backlog_limit_are_handed_over_in_publish_order_without_a_catch_up()
    {
        Publish("m1", "m2", "m3", "m4"); // reading m1 leaves three waiting: at the limit, not past it

        await RunToEndAsync(new PublishedMessageReader(backlogLimit: 3, NullLogger.Instance));

        Assert.Equal(["m1", "m2", "m3", "m4"], _received);
        Assert.Equal(0, _catchUps);
    }

    [Fact]
    public async Task A_backlog_past_the_limit_is_dropped_for_one_catch_up_and_later_messages_flow_again()
    {
        Publish(Enumerable.Range(1, 10).Select(n => $"m{n}").ToArray());
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var reading = new PublishedMessageReader(backlogLimit: 3, NullLogger.Instance).RunAsync(new QueuedMessages(_channel), _received.Add, CatchUpAsync, stop.Token);

        Publish("after");
        _channel.Writer.Complete();
        await reading;

        Assert.Equal(["after"], _received);
        Assert.Equal(1, _catchUps);
    }

    [Fact]
    public async Task A_receiver_that_throws_loses_that_message_only()
    {
        Publish("m1", "poison", "m3");

        await RunToEndAsync(new PublishedMessageReader(backlogLimit: 100, NullLogger.Instance), message =>
        {
            if (message == "poison")
            {
                throw new FormatException(message);
            }

            _received.Add(message);
        });

        Assert.Equal(["m1", "m3"], _received);
    }

    [Fact]
    public async Task Stopping_ends_a_reader_that_waits_for_messages()
    {
        using var stop = new CancellationTokenSource();
        var reading = new PublishedMessageReader(backlogLimit: 100, NullLogger.Instance).RunAsync(new QueuedMessages(_channel), _received.Add, CatchUpAsync, stop.Token);
        Assert.False(reading.IsCompleted);

        await stop.CancelAsync();

        await reading.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(_received);
    }

    [Fact]
    public void A_limit_below_one_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new PublishedMessageReader(backlogLimit: 0, NullLogger.Instance));

    private void Publish(params string[] messages)
    {
        foreach (var message in messages)
        {
            Assert.True(_channel.Writer.TryWrite(message));
        }
    }

    private async Task RunToEndAsync(PublishedMessageReader reader, Action<string>? receive = null)
    {
        _channel.Writer.Complete();
        await reader.RunAsync(new QueuedMessages(_channel), receive ?? _received.Add, CatchUpAsync, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
    }

    private Task CatchUpAsync()
    {
        _catchUps++;
        return Task.CompletedTask;
    }

    private sealed class QueuedMessages(Channel<string> channel) : IPublishedMessages
    {
        public int Waiting => channel.Reader.Count;

        public ValueTask<string> ReadAsync(CancellationToken cancellationToken) => channel.Reader.ReadAsync(cancellationToken);

        public bool TryRead(out string message) => channel.Reader.TryRead(out message!);
    }
}
