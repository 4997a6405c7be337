using System.Globalization;

namespace RealtimeSync.Bench;

/// <summary>
/// CPU time (user + system) of a process and every process below it, from /proc: a PostgreSQL server's work is done by
/// its backends, RabbitMQ's by its Erlang VM under a wrapper. Read before and after a phase, the difference says where it went.
/// </summary>
public static class ProcessCpu
{
    private const double TicksPerSecond = 100; // USER_HZ, 100 on every Linux this runs on

    public static double SecondsOfTree(int root)
    {
        var parents = new Dictionary<int, int>();
        var own = new Dictionary<int, double>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(folder, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // fields from the 3rd (state) on
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
                own[pid] = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // it ended meanwhile
            }
        }

        var total = 0.0;
        foreach (var (pid, seconds) in own)
        {
            for (var at = pid; at > 1 && parents.TryGetValue(at, out var parent); at = parent)
            {
                if (at == root)
                {
                    total += seconds;
                    break;
                }
            }
        }

        return total;
    }
}
