namespace RealtimeSync.AppHost.Hosting.Orchestration;

/// <summary>Finds the Debian servers' programs (installed by ./run and ./test when missing).</summary>
internal static class Binaries
{
    public static string Find(string program, params string[] candidates)
    {
        foreach (var candidate in candidates.Append(program))
        {
            if (Path.IsPathRooted(candidate) && File.Exists(candidate))
            {
                return candidate;
            }
        }

        var fromPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':')
            .Concat(["/usr/sbin", "/usr/bin", "/sbin"])
            .Select(folder => Path.Combine(folder, program))
            .FirstOrDefault(File.Exists);
        return fromPath ?? throw new FileNotFoundException(
            $"'{program}' is not installed. ./run and ./test install it (apt-get install redis-server postgresql rabbitmq-server).");
    }

    /// <summary>The newest PostgreSQL's bin folder from Debian's versioned layout (/usr/lib/postgresql/N/bin).</summary>
    public static string PostgresBin()
    {
        var versioned = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(folder => Path.Combine(folder, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "postgres")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var major) ? major : 0)
                .FirstOrDefault()
            : null;
        return versioned ?? Path.GetDirectoryName(Find("postgres"))!;
    }
}
