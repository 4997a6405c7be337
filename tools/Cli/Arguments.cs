namespace RealtimeSync.Cli;

/// <summary>Positional words and <c>--name value</c> options (repeatable).</summary>
internal sealed class Arguments(string[] args)
{
    public IReadOnlyList<string> Positional { get; } = args.TakeWhile(arg => !arg.StartsWith("--", StringComparison.Ordinal)).ToList();

    public string? Option(string name) => All(name).LastOrDefault();

    public IReadOnlyList<string> All(string name) =>
        args.Select((arg, index) => (arg, index)).Where(pair => pair.arg == name && pair.index + 1 < args.Length).Select(pair => args[pair.index + 1]).ToList();
}
