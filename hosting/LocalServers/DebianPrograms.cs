namespace RealtimeSync.Hosting.LocalServers;

/// <summary>Finds the Debian servers' programs (./run and ./test install them when missing).</summary>
internal static class DebianPrograms
{
    public static string Find(string program, params string[] candidates)
    {
        var fromPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/usr/bin", "/sbin", "/bin"])
            .Select(folder => Path.Combine(folder, program));
        return candidates.Concat(fromPath).FirstOrDefault(File.Exists) ?? throw new FileNotFoundException(
            $"'{program}' is not installed. ./run and ./test install it (apt-get install redis-server postgresql rabbitmq-server).");
    }

    /// <summary>A program of the newest PostgreSQL in Debian's versioned layout (/usr/lib/postgresql/N/bin).</summary>
    public static string PostgresBin(string program)
    {
        var versioned = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(folder => int.TryParse(Path.GetFileName(folder), out var major) ? major : 0)
                .Select(folder => Path.Combine(folder, "bin", program))
                .FirstOrDefault(File.Exists)
            : null;
        return versioned ?? Find(program);
    }
}
