using System.Runtime.InteropServices;

namespace RealtimeSync.FunctionalTests.Infrastructure;

/// <summary>
/// A server frozen with SIGSTOP, as a hung host or a long GC pause looks to its clients: sockets stay open
/// and nothing answers. Every process of its tree is stopped (a PostgreSQL backend serves each connection),
/// and disposing continues them all.
/// </summary>
internal sealed class FrozenProcess : IDisposable
{
    private const int SigCont = 18;
    private const int SigStop = 19;
    private readonly List<int> _stopped = [];

    private FrozenProcess(int root)
    {
        // The root first, so it forks no new child while its children are being stopped.
        var pending = new Queue<int>([root]);
        while (pending.TryDequeue(out var pid))
        {
            if (Kill(pid, SigStop) == 0)
            {
                _stopped.Add(pid);
            }

            foreach (var child in Children(pid))
            {
                pending.Enqueue(child);
            }
        }
    }

    public static FrozenProcess Freeze(int pid) => new(pid);

    public void Dispose()
    {
        foreach (var pid in Enumerable.Reverse(_stopped))
        {
            Kill(pid, SigCont);
        }
    }

    /// <summary>Processes whose parent is <paramref name="pid"/>, from /proc/*/stat (its 4th field, after the name in parentheses).</summary>
    private static IEnumerable<int> Children(int pid)
    {
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var candidate))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(folder, "stat"));
            }
            catch (IOException)
            {
                continue; // it ended meanwhile
            }

            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields.Length > 1 && fields[1] == pid.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                yield return candidate;
            }
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
