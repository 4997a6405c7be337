using RealtimeSync.Bench.SideBySide.Load;
using RealtimeSync.Bench.SideBySide.Processes;

namespace RealtimeSync.Bench.SideBySide.Systems;

/// <summary>One column of the table: a system with two instances behind one backplane, started, measured, stopped.</summary>
internal interface ISystemUnderTest : IAsyncDisposable
{
    /// <summary>The name used in <c>--systems</c>.</summary>
    string Name { get; }

    /// <summary>The column's heading.</summary>
    string Title { get; }

    Dialect Dialect { get; }

    /// <summary>Valid once started.</summary>
    IPublisher Publisher { get; }

    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Where subscriber <paramref name="index"/> of a phase connects, and the instance it is meant for ("?" when the system picks).</summary>
    (Uri Uri, string Instance) Endpoint(int index, string phase);

    /// <summary>Where subscriber <paramref name="index"/> connects straight to the first instance: nothing between them, not even a gateway.</summary>
    (Uri Uri, string Instance) FirstInstanceEndpoint(int index, string phase);

    /// <summary>Its server processes as they are now, each with its place on the path.</summary>
    IReadOnlyList<ServerProcess> Processes();

    /// <summary>What was counted, and why, for the report.</summary>
    string CountingNote { get; }
}
