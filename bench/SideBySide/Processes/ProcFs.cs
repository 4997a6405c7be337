using System.Globalization;

namespace RealtimeSync.Bench.SideBySide.Processes;

/// <summary>What the benchmark reads about other processes, from /proc: command lines, parents, CPU time, resident memory, sockets.</summary>
internal static class ProcFs
{
    private const double TicksPerSecond = 100; // USER_HZ, 100 on every Linux this runs on

    public static IEnumerable<int> Pids() =>
        Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Select(name => int.TryParse(name, out var pid) ? pid : 0).Where(pid => pid > 0);

    /// <summary>The command line with its arguments joined by spaces; empty for a process that ended (or a kernel thread).</summary>
    public static string CommandLine(int pid) => Read($"/proc/{pid}/cmdline")?.Replace('\0', ' ').Trim() ?? string.Empty;

    public static int? Parent(int pid) => StatFields(pid) is { } fields ? int.Parse(fields[1], CultureInfo.InvariantCulture) : null;

    /// <summary>
    /// User and system CPU time, with that of its ended (and waited-for) children: a PostgreSQL backend that ends within a
    /// phase moves its time to the postmaster, so the sum over a tree of processes stays whole.
    /// </summary>
    public static double CpuSeconds(int pid)
    {
        if (StatFields(pid) is not { } fields)
        {
            return 0;
        }

        // From the 3rd field (state) on: utime, stime, cutime, cstime are the 14th to 17th.
        return new[] { 11, 12, 13, 14 }.Sum(index => long.Parse(fields[index], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    /// <summary>Resident set size (VmRSS) in KiB; 0 for a process that ended.</summary>
    public static long ResidentKiB(int pid)
    {
        var line = Read($"/proc/{pid}/status")?.Split('\n').FirstOrDefault(line => line.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    /// <summary><paramref name="root"/> and every process below it.</summary>
    public static IReadOnlyList<int> Tree(int root)
    {
        var children = Pids().Select(pid => (pid, parent: Parent(pid))).Where(entry => entry.parent is not null).ToLookup(entry => entry.parent!.Value, entry => entry.pid);
        var tree = new List<int> { root };
        for (var i = 0; i < tree.Count; i++)
        {
            tree.AddRange(children[tree[i]]);
        }

        return tree;
    }

    /// <summary>The process that holds the listening TCP socket on <paramref name="port"/> (a proxy shows here as itself, not its target).</summary>
    public static int? ListenerOf(int port)
    {
        var inodes = new[] { "/proc/net/tcp", "/proc/net/tcp6" }
            .SelectMany(table => (Read(table) ?? string.Empty).Split('\n').Skip(1))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length > 9 && fields[3] == "0A" && int.Parse(fields[1].Split(':')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == port)
            .Select(fields => $"socket:[{fields[9]}]")
            .ToHashSet();
        foreach (var pid in Pids())
        {
            try
            {
                if (Directory.EnumerateFiles($"/proc/{pid}/fd").Any(fd => new FileInfo(fd).LinkTarget is { } target && inodes.Contains(target)))
                {
                    return pid;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // it ended meanwhile
            }
        }

        return null;
    }

    /// <summary>How many descriptors <paramref name="pid"/> holds open (its limit here is the machine's 20 000).</summary>
    public static int OpenDescriptors(int pid)
    {
        try
        {
            return Directory.EnumerateFiles($"/proc/{pid}/fd").Count();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static string[]? StatFields(int pid) =>
        Read($"/proc/{pid}/stat") is { } stat ? stat[(stat.LastIndexOf(')') + 2)..].Split(' ') : null; // the name in () may hold spaces

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // it ended meanwhile
        }
    }
}
