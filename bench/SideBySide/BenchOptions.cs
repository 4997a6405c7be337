using System.Globalization;

namespace RealtimeSync.Bench.SideBySide;

/// <summary>What to run: <c>--systems bare,signalr,socketio,realtimesync --subscribers 1000 --burst 1000 --paced 200 --idle 5000 --rounds 3</c>.</summary>
internal sealed record BenchOptions
{
    public static readonly string[] AllSystems = ["bare", "signalr", "socketio", "realtimesync"];

    public IReadOnlyList<string> Systems { get; init; } = AllSystems;

    /// <summary>Subscribers during the burst and paced rounds, evenly over the two instances.</summary>
    public int Subscribers { get; init; } = 1000;

    /// <summary>Messages per burst round, from <see cref="Publishers"/> concurrent publishers as fast as they go.</summary>
    public int Burst { get; init; } = 1000;

    public int Publishers { get; init; } = 8;

    /// <summary>Messages per paced round, from one publisher, <see cref="PaceMilliseconds"/> apart.</summary>
    public int Paced { get; init; } = 200;

    public int PaceMilliseconds { get; init; } = 50;

    /// <summary>Idle connections for the memory measure.</summary>
    public int Idle { get; init; } = 5000;

    public int Rounds { get; init; } = 3;

    /// <summary>Messages before the measured rounds (JIT, pools, every subscription live), not reported.</summary>
    public int WarmUp { get; init; } = 100;

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Count; i += 2)
        {
            var value = i + 1 < args.Count ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--systems" => options with { Systems = ParseSystems(value) },
                "--subscribers" => options with { Subscribers = Positive(args[i], value) },
                "--burst" => options with { Burst = Positive(args[i], value) },
                "--publishers" => options with { Publishers = Positive(args[i], value) },
                "--paced" => options with { Paced = Positive(args[i], value) },
                "--pace-ms" => options with { PaceMilliseconds = Positive(args[i], value) },
                "--idle" => options with { Idle = Positive(args[i], value) },
                "--rounds" => options with { Rounds = Positive(args[i], value) },
                "--warm-up" => options with { WarmUp = Positive(args[i], value) },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }

        return options;
    }

    private static string[] ParseSystems(string value)
    {
        var systems = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return systems.FirstOrDefault(system => !AllSystems.Contains(system)) is { } unknown
            ? throw new ArgumentException($"unknown system {unknown}; known: {string.Join(",", AllSystems)}")
            : systems;
    }

    private static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new ArgumentException($"{name} needs a positive whole number, not {value}");
}
