namespace RealtimeSync.AppHost.Hosting.Orchestration;

/// <summary>
/// Each resource's output, prefixed with its name on the console (as Aspire's dashboard console view)
/// and kept whole in the state folder's logs/ directory. Quiet mode (tests) writes files only.
/// </summary>
public sealed class ResourceLog(string logsFolder, bool echoToConsole) : IDisposable
{
    private static readonly object ConsoleGate = new();
    private readonly Dictionary<string, StreamWriter> _files = [];
    private readonly Dictionary<string, Queue<string>> _tails = [];

    public void Write(string resource, string line)
    {
        lock (_files)
        {
            if (!_files.TryGetValue(resource, out var file))
            {
                file = new StreamWriter(Path.Combine(logsFolder, resource + ".log"), append: true) { AutoFlush = true };
                _files[resource] = file;
                _tails[resource] = new Queue<string>();
            }

            file.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {line}");
            var tail = _tails[resource];
            tail.Enqueue(line);
            if (tail.Count > 30)
            {
                tail.Dequeue();
            }
        }

        if (echoToConsole)
        {
            lock (ConsoleGate)
            {
                Console.Out.WriteLine($"{resource,-16}| {line}");
            }
        }
    }

    /// <summary>The AppHost's own messages: always on the console, since they say what is happening.</summary>
    public void Host(string message)
    {
        Write("apphost", message);
        if (!echoToConsole)
        {
            lock (ConsoleGate)
            {
                Console.Error.WriteLine($"[apphost] {message}");
            }
        }
    }

    /// <summary>The last lines a resource wrote, for an error message that says why it failed.</summary>
    public string Tail(string resource)
    {
        lock (_files)
        {
            return _tails.TryGetValue(resource, out var tail) ? string.Join(Environment.NewLine, tail) : "(no output)";
        }
    }

    public void Dispose()
    {
        lock (_files)
        {
            foreach (var file in _files.Values)
            {
                file.Dispose();
            }

            _files.Clear();
        }
    }
}
