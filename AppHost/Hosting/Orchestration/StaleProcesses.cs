using System.Diagnostics;
using System.Text;

namespace RealtimeSync.AppHost.Hosting.Orchestration;

/// <summary>
/// Finds what a dead AppHost left running and kills it, by two nets: the session leaders it recorded
/// (pid and start time, so a reused pid is never hit), and any process still carrying the state folder's
/// marker variable (children inherit it; Redis overwrites its own, hence the first net).
/// </summary>
internal static class StaleProcesses
{
    private const string RecordFile = "processes";

    /// <summary>Notes a launched session leader so a later run can stop it if this AppHost dies.</summary>
    public static void Record(string stateFolder, int pid)
    {
        if (StartTime(pid) is { } started)
        {
            lock (typeof(StaleProcesses))
            {
                File.AppendAllText(Path.Combine(stateFolder, RecordFile), $"{pid} {started}\n");
            }
        }
    }

    public static void Kill(string stateFolder)
    {
        var groups = Recorded(stateFolder).ToList();
        foreach (var pid in groups)
        {
            Console.Error.WriteLine($"[apphost] stopping process group {pid} left by an earlier run of {stateFolder}");
            Signals.SendToGroup(pid, Signals.Kill);
        }

        WaitGone(groups);
        var marked = Marked(stateFolder).ToList();
        foreach (var pid in marked)
        {
            Console.Error.WriteLine($"[apphost] stopping process {pid} left by an earlier run of {stateFolder}");
            Signals.Send(pid, Signals.Kill);
        }

        WaitGone(marked);
        File.Delete(Path.Combine(stateFolder, RecordFile));
    }

    private static void WaitGone(List<int> pids)
    {
        var deadline = Stopwatch.StartNew();
        while (pids.Any(pid => Directory.Exists($"/proc/{pid}")) && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            Thread.Sleep(100);
        }
    }

    private static IEnumerable<int> Recorded(string stateFolder)
    {
        var file = Path.Combine(stateFolder, RecordFile);
        if (!File.Exists(file))
        {
            yield break;
        }

        foreach (var line in File.ReadAllLines(file))
        {
            var parts = line.Split(' ');
            if (parts.Length == 2 && int.TryParse(parts[0], out var pid) && StartTime(pid) == parts[1])
            {
                yield return pid;
            }
        }
    }

    private static IEnumerable<int> Marked(string stateFolder)
    {
        var marker = Encoding.UTF8.GetBytes($"{StateFolder.MarkerVariable}={stateFolder}\0");
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            bool carriesMarker;
            try
            {
                carriesMarker = File.ReadAllBytes(Path.Combine(directory, "environ")).AsSpan().IndexOf(marker) >= 0;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue; // gone already, or not ours to read
            }

            if (carriesMarker)
            {
                yield return pid;
            }
        }
    }

    /// <summary>Field 22 of /proc/pid/stat (start time in clock ticks since boot), read after the command name.</summary>
    private static string? StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields.Length > 19 ? fields[19] : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
